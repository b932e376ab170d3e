"""The common shape of every labeled set: documents, queries, and doc-level or span-level labels."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from indexer.types import Document

Level = Literal["document", "passage"]


class DatasetError(ValueError):
    """A labeled set that cannot be loaded or does not match its corpus; the message says why."""


@dataclass(frozen=True)
class Direction:
    """Which queries are asked (by language) and which documents they may retrieve."""

    name: str
    query_lang: str | None  # None: queries in every language
    doc_lang: str | None  # None: the mixed pool, no language filter


DIRECTIONS: tuple[Direction, ...] = (
    Direction("en-en", "en", "en"),
    Direction("en-es", "en", "es"),
    Direction("es-en", "es", "en"),
    Direction("es-es", "es", "es"),
    Direction("mixed", None, None),
)
DIRECTION_NAMES: tuple[str, ...] = tuple(d.name for d in DIRECTIONS)


def direction(name: str) -> Direction:
    for d in DIRECTIONS:
        if d.name == name:
            return d
    raise ValueError(f"unknown direction {name!r}: use one of {', '.join(DIRECTION_NAMES)}")


@dataclass(frozen=True)
class Query:
    qid: str
    text: str
    lang: str
    split: str = "test"


@dataclass(frozen=True)
class SpanLabel:
    """A quoted span of one document body: relevance is decided by overlap with it."""

    doc_id: str
    quote: str


@dataclass
class LabeledSet:
    """Documents to index, queries to ask, and what counts as relevant for each query.

    Document-level sets fill `doc_qrels` (qid -> {doc_id: grade}); span-level sets fill
    `span_labels` (qid -> quoted spans), turned into passage qrels once the index is split.
    """

    name: str
    documents: list[Document]
    queries: list[Query]
    level: Level
    doc_qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    span_labels: dict[str, list[SpanLabel]] = field(default_factory=dict)
    directions: tuple[str, ...] = DIRECTION_NAMES
    notes: list[str] = field(default_factory=list)
    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # qid -> {lang: gold answer text}
    unanswerable: frozenset[str] = frozenset()  # qids the corpus cannot answer

    @property
    def splits(self) -> list[str]:
        return sorted({q.split for q in self.queries})

    def select(self, split: str | None) -> LabeledSet:
        """The same set with only the queries of one split (all documents stay in the pool)."""
        if split is None:
            return self
        if split not in self.splits:
            raise DatasetError(f"{self.name} has no {split!r} split (it has: {', '.join(self.splits)})")
        return replace(self, queries=[q for q in self.queries if q.split == split])

    def document_langs(self) -> dict[str, str]:
        return {d.doc_id: d.lang for d in self.documents}
