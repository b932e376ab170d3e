"""Where a communiqué's header block ends and its body text begins; what the first body sentence dates and places.

The header block is the run of short lines before the first paragraph of body text: title,
meeting, working group, place, date, delegation lines. Those lines are metadata, not passages
(indexer.ingest.splitter starts its passages at `header_end`). A body that states its date only
in its first sentence ("En la ciudad de Oaxaca, el 24 de septiembre de 1999, …") is dated from it."""

from __future__ import annotations

import re

from indexer.ingest.months import MONTHS_EN

MAX_HEADER_LINES = 25  # a header longer than this is not one (a list of short items in the body)
MAX_HEADER_CHARS = 3000
_WORDS = 14
_SMALL = {
    "a",
    "and",
    "at",
    "by",
    "con",
    "from",
    "with",
    "de",
    "del",
    "e",
    "el",
    "en",
    "for",
    "in",
    "la",
    "las",
    "los",
    "of",
    "on",
    "para",
    "por",
    "sobre",
    "the",
    "to",
    "y",
}
_ABBREV_END = re.compile(
    r"(?:\b[A-Z]\.|\b(?:Zac|Chih|Tamps|Jal|Mich|Oax|Tex|Calif|Ariz|Mex|Sr|Sra|Lic|Dr|No|hrs|hr|a\.m|p\.m)\.)$"
)
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?|hrs?\.?|h\.?)?(?:\s+[A-Z]{2,4})?$", re.IGNORECASE)
_GROUPISH = re.compile(r"\b(?:working\s+group|grupo\s+de\s+trabajo|subgroup|subgrupo)\b", re.IGNORECASE)
_BLOCK_SEP = re.compile(r"\n[ \t]*\n+")


def _core(line: str) -> str:
    return line.strip().strip("()[]").strip()


def is_header_line(line: str, lang: str = "en") -> bool:
    """A short line of a header block: caps, title case, a date or dateline, a working group's name.

    A line that ends a sentence (a period other than an abbreviation's, a colon, a question) is body text."""
    from indexer.ingest.header import find_date

    text = _core(line)
    words = text.split()
    if not words or len(words) > _WORDS:
        return False
    if text.endswith((":", ";", "?", "!")) or (text.endswith(".") and not _ABBREV_END.search(text)):
        return False
    letters = [c for c in text if c.isalpha()]
    if _TIME.match(text):  # '(10:00 a.m. EST)'
        return True
    if not letters:
        return bool(re.fullmatch(r"[\d\s/.,-]+", text))  # '26/11/2002'
    if sum(c.isupper() for c in letters) >= 0.8 * len(letters) or _GROUPISH.search(text):
        return True
    hit = find_date(text, lang)
    if hit is not None:
        rest = (text[: hit[1]] + " " + text[hit[2] :]).split()
        return len(rest) <= 6
    significant = [w for w in re.findall(r"\b[^\W\d_]+", text) if w.lower() not in _SMALL]
    return bool(significant) and all(w[0].isupper() for w in significant)


def header_end(body: str, lang: str = "en") -> int:
    """Offset of the first body paragraph when the body opens with a header block, else 0.

    Blank-line separated blocks whose lines are all header lines form the block; in the first
    block, header lines followed by body text end it at the first body line. A body with no
    paragraph after its short lines has no header block (the lines are its text)."""
    end, lines_seen, first = 0, 0, True
    pos = 0
    for match in [*_BLOCK_SEP.finditer(body), None]:
        stop = match.start() if match else len(body)
        block_start, block = pos, body[pos:stop]
        pos = match.end() if match else len(body)
        if not block.strip():
            continue
        offset = block_start
        for i, line in enumerate(block.split("\n")):
            if line.strip() and not is_header_line(line, lang):
                return offset if first and i else end
            lines_seen += bool(line.strip())
            if lines_seen > MAX_HEADER_LINES or offset > MAX_HEADER_CHARS:
                return 0
            offset += len(line) + 1
        end, first = pos, False
    return 0


_PLACE = r"([A-ZÁÉÍÓÚÑ][\w.'’-]+(?:,?\s+(?:de\s+|del\s+)?[A-ZÁÉÍÓÚÑ][\w.'’-]+){0,3})"
_SENTENCE_PLACE = [
    re.compile(rf"\b(?:[Cc]iudad\s+de|[Cc]ity\s+of)\s+{_PLACE}"),
    re.compile(rf"\b(?:[Ee]n|[Ii]n|[Aa]t)\s+{_PLACE}"),
]
_NOT_PLACES = {"The", "La", "El", "Los", "Las", "This", "Este", "Esta", *MONTHS_EN}


def first_sentence(body: str, start: int) -> str:
    """The first sentence of the body text (at most 400 characters), from `start`."""
    text = body[start : start + 400]
    m = re.search(r"(?<!\b[A-Z])(?<!\bSr)(?<!\bDr)[.;](?=\s|$)", text)
    return text[: m.end()] if m else text


_MET = re.compile(
    r"\b(?:met|meet|meets|held|convened|gathered|took\s+place|co-?chaired|se\s+reuni[oó]|se\s+reunieron|"
    r"sesion[oó]|se\s+celebr[oó]|tuvo\s+lugar|reunid[oa]s|celebraron|copresidieron)\b",
    re.IGNORECASE,
)


def dates_the_meeting(sentence: str) -> bool:
    """Whether a first sentence reports the meeting itself ('… se reunió …', '… met in …'), so its date is the
    document's; 'On May 6, 1997, the Presidents signed …' dates an earlier event."""
    return bool(_MET.search(sentence))


def sentence_place(sentence: str) -> str | None:
    """'En la ciudad de Oaxaca, el 24 de …' -> 'Oaxaca'; 'met in Washington, D.C. on May 5' -> 'Washington, D.C.'."""
    for pattern in _SENTENCE_PLACE:
        for m in pattern.finditer(sentence):
            place = m.group(1).rstrip(",")
            first = place.split()[0].rstrip(",")
            if first in _NOT_PLACES or re.search(r"\d", place):
                continue
            # stop before a month or a clause: 'Oaxaca, el 24' is cut at the comma before a lower-case word
            parts = [p.strip() for p in place.split(",")]
            kept = [parts[0]] + [p for p in parts[1:3] if p and p.split()[0] not in _NOT_PLACES and len(p) <= 6]
            return ", ".join(kept)
    return None


_NOT_TITLE = re.compile(
    r"^(?:for\s+immediate\s+release|office\s+of\s+the|oficina\s+de|media\s+note|released\s+by|the\s+white\s+house|"
    r"u\.\s?s\.\s+(?:state\s+)?department\s+of\s+state|u\.\s?s\.\s+state\s+department|press\s+secretary)\b",
    re.IGNORECASE,
)
_JOINS = {"of", "the", "on", "and", "for", "de", "del", "sobre", "y", "la", "el", "para", "en"}


def header_title(body: str, end: int, lang: str = "en") -> str:
    """The title the header block gives: its lines other than dates, times, places and press boilerplate,
    a line wrapped onto the next joined with a space, distinct lines with ': '."""
    from indexer.ingest.header import find_date, title_case

    parts: list[str] = []
    joined = False
    for raw in body[:end].split("\n"):
        line = re.sub(r"^#{1,6}\s+", "", _core(raw))  # a Word heading's mark
        if not line:
            continue
        if _TIME.match(line) or _NOT_TITLE.match(line) or find_date(line, lang):
            joined = False
            continue
        if ("," in line and len(line.split()) <= 6) or ("," in line and ":" not in line and len(line.split()) > 6):
            continue  # 'Washington, DC'; a speaker's name and office
        if parts and (joined or line.split()[0].lower() in _JOINS):
            parts[-1] = f"{parts[-1]} {line}"
        else:
            parts.append(line)
        joined = line.split()[-1].lower() in _JOINS
    return ": ".join(title_case(p) for p in parts)[:300]
