"""Citations written out for pasting: the plain label, or a bibliography line (title, meeting, date, ¶, URL)."""

from __future__ import annotations

from typing import Any, Literal

from indexer.retrieval.citations import format_date
from indexer.types import Document

CitationFormat = Literal["label", "bibliography"]


def bibliography(doc: Document, citation: dict[str, Any]) -> str:
    """e.g. 'XIX U.S.-Mexico Binational Commission: Working Group on …. Mexico City, Mexico. 26 Nov 2002,
    ¶14. https://….' (the source when there is no URL); the meeting only when the title does not name it."""
    meeting = doc.meta.get("meeting", "")
    if meeting and meeting.casefold() in doc.title.casefold():
        meeting = ""  # the title already says it: a reference line names it once
    meeting = ", ".join(p for p in (meeting, doc.meta.get("place", "")) if p)
    paragraph = citation["paragraph"]
    where = f"¶{paragraph}" if paragraph else ("encabezado" if doc.lang == "es" else "heading")
    when = ", ".join(p for p in (format_date(doc.date, doc.lang), where) if p)
    parts = [doc.title, meeting, when, citation.get("source_url") or citation.get("source") or ""]
    return " ".join(f"{p.rstrip('.')}." for p in parts if p)


def format_citation(doc: Document | None, citation: dict[str, Any], style: CitationFormat) -> str:
    if style == "bibliography" and doc is not None:
        return bibliography(doc, citation)
    return str(citation["label"])
