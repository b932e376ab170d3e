"""What crosses the search stages: options, filters, the candidates `retrieve` gives `rank`, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.retrieval.grouping import GROUPS
from indexer.retrieval.querylang import QueryLanguage
from indexer.retrieval.ranker import MODEL_FILE
from indexer.retrieval.when import Understood
from indexer.translate import Translation
from indexer.types import Document, SearchHit

MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")
FUSIONS: tuple[str, ...] = ("learned", "rrf")


@dataclass(frozen=True)
class RankingConfig:
    """What ranking does not learn: how deep the retrievers look, which ones run, and the model that scores."""

    min_depth: int = 100  # each retriever returns at least this many candidates
    depth_factor: int = 10  # ... and at least this many times the hits asked for
    rrf_k: int = 30  # the rank offset of reciprocal rank fusion (fusion="rrf", indexer.retrieval.fusion)
    glossary: bool = True  # expand lexical queries (and fix names in their translation) with the bilingual glossary
    translate: bool = True  # BM25 of the query's machine translation, where the search reaches the other language
    doc_mt: bool = True  # the query against the passages' build-time translations (BM25 and vectors), if indexed
    model: Path = MODEL_FILE  # the learned ranker's weights (fusion="learned", indexer.retrieval.ranker)


@dataclass(frozen=True)
class SearchFilters:
    doc_lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_ids: tuple[str, ...] | None = None
    include_superseded: bool = False  # older versions of a revised document (indexer.index.revisions) too
    understand: bool = True  # read a date or meeting in the query as a soft preference

    def active(self) -> bool:
        return any(v is not None for v in (self.doc_lang, self.date_from, self.date_to, self.doc_ids))

    def admits(self, doc: Document) -> bool:
        """Whether a document passes the language, id and date filters (a document without a date fails a date)."""
        date = doc.date or ""
        return (
            (not self.doc_lang or doc.lang == self.doc_lang)
            and (self.doc_ids is None or doc.doc_id in self.doc_ids)
            and (not self.date_from or date >= self.date_from)
            and (not self.date_to or (bool(date) and date <= self.date_to))
        )


@dataclass(frozen=True)
class Reach:
    """Where one search's retrievers look: how deep, and which documents and rows they may reach."""

    depth: int  # candidates per retriever
    docs: list[str] | None  # the allowed documents and their twins (None: every document)
    rows: list[int] | None  # those documents' passage rows
    allowed: set[str] | None  # the documents a candidate may come from (evidence found on a twin lifts them)
    hidden: set[str]  # superseded documents, left out


@dataclass
class SearchResult:
    query: str
    lang: QueryLanguage
    mode: str
    fusion: str
    k: int
    version: str
    took_ms: float
    hits: list[SearchHit] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # ms per stage (indexer.laps)
    translation: Translation | None = None  # the query's machine translation, when lexical search used one
    group: str = "none"
    understood: Understood | None = None  # the date or meeting read in the query, preferred in ranking
    others: dict[str, list[str]] = field(default_factory=dict)  # group=document: passage id -> its document's others


class UnknownSearchOption(ValueError):
    """A mode or fusion method that does not exist; the message lists the ones that do."""


def check_options(mode: str, fusion_method: str | None = None, group: str = "none") -> None:
    for name, value, known in (("group", group, GROUPS), ("mode", mode, MODES), ("fusion", fusion_method, FUSIONS)):
        if value is not None and value not in known:
            raise UnknownSearchOption(f"unknown {name} {value!r}: use one of {', '.join(known)}")


@dataclass
class Candidates:
    """What the retrievers found for one query: the input of `rank`.

    Scores are by passage row; twins' evidence is already propagated and filters applied.
    `extra` holds exact dense similarities of lexical-only candidates (hybrid mode): every hit
    reports them and the ranker weighs them, but they are not dense *retrieval* results."""

    query: str
    lang: QueryLanguage
    mode: str
    k: int
    filters: SearchFilters
    lexical: dict[int, float] = field(default_factory=dict)
    dense: dict[int, float] = field(default_factory=dict)
    extra: dict[int, float] = field(default_factory=dict)
    translated: dict[int, float] = field(default_factory=dict)  # BM25 of the translated query, target language
    doc_mt: dict[int, float] = field(default_factory=dict)  # BM25 of the query over passages' translations
    doc_mt_dense: dict[int, float] = field(default_factory=dict)  # the query's vector against theirs
    sentence: dict[int, float] = field(default_factory=dict)  # best sentence similarity of every candidate
    translation: Translation | None = None
    understood: Understood | None = None
    preferred: frozenset[str] = frozenset()  # documents of the understood date or meeting
    lent: frozenset[int] = frozenset()  # rows whose lexical score an aligned twin lent
    lexical_top: float = 0.0  # filtered to another language: the query language's best BM25 (twins.lending_top)
