"""Domain types shared by the indexer, the service and the evaluation."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LANGS = ("en", "es")


@dataclass(frozen=True)
class Document:
    """One communiqué in one language, as read from the corpus."""

    doc_id: str
    lang: str
    title: str
    body: str
    date: str | None = None  # ISO yyyy-mm-dd
    source: str = ""
    source_url: str = ""
    translation_of: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    sha256: str = ""  # checksum of the source file (or of the body for in-memory documents)
    path: str = ""  # corpus-relative path of the source file, "" when not from a file

    def public(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("body")
        return out


@dataclass(frozen=True, slots=True)
class Passage:
    """A contiguous span of a document body: the unit that is indexed and returned."""

    passage_id: str
    doc_id: str
    lang: str
    section: str
    ordinal: int  # paragraph number within the document body, 1-based; 0 is the title block
    char_start: int
    char_end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from, precise enough to paste into a memo and to verify."""

    doc_id: str
    title: str
    date: str | None
    section: str
    paragraph: int
    char_start: int
    char_end: int
    source: str
    source_url: str
    quote: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchHit:
    """One ranked result: the passage, why it ranked, and how to cite it."""

    rank: int
    score: float
    scores: dict[str, float | None]
    ranks: dict[str, int | None]
    passage: Passage
    citation: Citation
    highlights: list[tuple[int, int]] = field(default_factory=list)
    twin: Passage | None = None
    twin_citation: Citation | None = None
    superseded_by: str | None = None  # set when the passage is from an older version of a revised document
