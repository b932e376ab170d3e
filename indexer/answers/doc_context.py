"""A document's own context for the question's qualifiers: its date in words and the meeting, place and working
group its header gave. Staff ask about "the Zacatecas meeting" or "in 1999"; the communiqué says so once, in its
header (document metadata, not a passage), and its sentences never repeat it. Not the title: an encyclopedia
article's title is its topic, which every question about it names."""

from __future__ import annotations

import functools

from indexer.ingest.months import MONTHS_EN, MONTHS_ES
from indexer.types import Document

META_FIELDS = ("meeting", "meeting_number", "place", "working_group")  # what intake reads from a header


def document_context(doc: Document) -> str:
    """The date as words in EN and ES ("14 February febrero 1995") and the header's meeting, meeting number,
    place and working group, as one line for `constraints.unmet`."""
    return _context(doc.date or "", tuple(doc.meta.get(k, "") for k in META_FIELDS))


@functools.lru_cache(maxsize=20_000)
def _context(date: str, meta: tuple[str, ...]) -> str:
    return " ".join(p for p in [*meta, date_words(date)] if p)


def date_words(date: str) -> str:
    """An ISO date (yyyy, yyyy-mm or yyyy-mm-dd) as words: "1995-02-14" -> "14 February febrero 1995"."""
    bits = date.split("-")
    if not bits[0].isdigit():
        return ""
    words = [bits[0]]
    if len(bits) > 1 and bits[1].isdigit() and 1 <= int(bits[1]) <= 12:
        m = int(bits[1]) - 1
        words[:0] = [MONTHS_EN[m], MONTHS_ES[m]]
        if len(bits) > 2 and bits[2].isdigit():
            words.insert(0, str(int(bits[2])))
    return " ".join(words)


__all__ = ["META_FIELDS", "date_words", "document_context"]
