"""Human-readable, verifiable citations for passages and quotes."""

from __future__ import annotations

import datetime as dt

from indexer.ingest.header import int_to_roman, short_place
from indexer.types import Citation, Document, Passage

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}


def format_date(iso: str | None, lang: str) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {_MONTHS.get(lang, _MONTHS['en'])[day.month - 1]} {day.year}"


def meeting_short(doc: Document) -> str:
    """'XIX BNC' / 'XIX Comisión Binacional' from the meeting number; else the meeting as written."""
    number = doc.meta.get("meeting_number", "")
    if number.isdigit() and 0 < int(number) < 200:
        roman = int_to_roman(int(number))
        return f"{roman} Comisión Binacional" if doc.lang == "es" else f"{roman} BNC"
    return doc.meta.get("meeting", "")


def citation_label(doc: Document, paragraph: int) -> str:
    """e.g. 'XIX BNC, Working Group on Migration and Consular Affairs, Mexico City, 26 Nov 2002, ¶3'.

    In the document's language; from the meeting, working group and place (given or detected
    from the header), else the title. Paragraphs are numbered as the splitter numbers them: body
    paragraphs count from ¶1 (the header block is metadata, no passage), headings are not numbered."""
    parts = [meeting_short(doc), doc.meta.get("working_group", "")]
    parts = [p for p in parts if p] or [doc.title]
    place = short_place(doc.meta.get("place", ""))
    if place and place not in parts[-1]:
        parts.append(place)
    date = format_date(doc.date, doc.lang)
    if date:
        parts.append(date)
    parts.append(f"¶{paragraph}" if paragraph else ("encabezado" if doc.lang == "es" else "heading"))
    return ", ".join(parts)


def cite(doc: Document, passage: Passage, start: int | None = None, end: int | None = None) -> Citation:
    """Cite a passage, or a quote inside it given document offsets [start, end).

    The quote is cut from the passage's text (an exact slice of the body), so citing needs
    no document body in memory."""
    char_start = passage.char_start if start is None else start
    char_end = passage.char_end if end is None else end
    if not passage.char_start <= char_start <= char_end <= passage.char_end:
        raise ValueError(f"quote {char_start}:{char_end} is outside passage {passage.passage_id}")
    return Citation(
        doc_id=doc.doc_id,
        title=doc.title,
        date=doc.date,
        section=passage.section,
        paragraph=passage.ordinal,
        char_start=char_start,
        char_end=char_end,
        source=doc.source,
        source_url=doc.source_url,
        quote=passage.text[char_start - passage.char_start : char_end - passage.char_start],
        label=citation_label(doc, passage.ordinal),
    )
