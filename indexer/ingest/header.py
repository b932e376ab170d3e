"""Metadata from a communiqué's own header block, in English and Spanish: meeting, date, place, working group.

    XIX U.S.-MEXICO BINATIONAL COMMISSION          XIX COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS
    NOVEMBER 26, 2002                              26 DE NOVIEMBRE DE 2002
    MEXICO CITY, MEXICO                            CIUDAD DE MÉXICO, MÉXICO
    WORKING GROUP ON MIGRATION AND CONSULAR        GRUPO DE TRABAJO SOBRE MIGRACIÓN Y
    AFFAIRS                                        ASUNTOS CONSULARES

Only the first lines are read (a date in the body is the date of something else). Each value
comes with a confidence: how sure the pattern that found it is, not a probability."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

HEADER_LINES = 12  # the header block and the working group's heading under it
_ROMAN = r"[IVXLC]{1,8}"
_MEETING = [
    re.compile(
        rf"(?<![\w.])({_ROMAN})(?i:\s+meeting\s+of\s+the)?(?i:\s+(?:u\.?\s?s\.?|united\s+states)\s*[-–—]?\s*"
        rf"m[eé]xico|\s+m[eé]xico\s*[-–—]?\s*(?:u\.?\s?s\.?|united\s+states))?(?i:\s+binational\s+commission)\b"
    ),
    re.compile(
        rf"(?<![\w.])({_ROMAN})(?i:\s+reuni[oó]n\s+de\s+la)?(?i:\s+comisi[oó]n\s+binacional)"
        rf"(?i:\s+(?:m[eé]xico\s*[-–—]?\s*(?:estados\s+unidos|ee\.?\s?uu\.?|eua)|estados\s+unidos\s*[-–—]?\s*m[eé]xico))?"
    ),
]
_WORD = r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]{3,12}\.?"
_DAYS = r"\d{1,2}(?:\s*(?:[-–]|y|al|and|to)\s*\d{1,2})?"
_DATES = [
    re.compile(rf"\b({_DAYS})\s+(?i:de)\s+({_WORD})\s+(?i:del?)\s+(\d{{4}})\b"),  # 26 de noviembre de 2002
    re.compile(rf"\b({_WORD})\s+({_DAYS}),?\s+(\d{{4}})\b"),  # NOVEMBER 26, 2002
    re.compile(rf"\b({_DAYS})\s+({_WORD})\s+(\d{{4}})\b"),  # 26 November 2002
]
_GROUP = re.compile(r"^\s*((?i:working\s+group|grupo\s+de\s+trabajo|subgrupo|subgroup)\b.*)$", re.MULTILINE)
_CONNECTOR = {"and", "y", "e", "of", "on", "for", "the", "de", "del", "sobre", "la", "las", "los", "el", "para", "en"}
_SMALL = _CONNECTOR | {"a", "o", "to", "in"}
_DATE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Found:
    value: str
    confidence: float


def roman_to_int(roman: str) -> int | None:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, ch in enumerate(roman):
        v = values[ch]
        total += -v if i + 1 < len(roman) and values[roman[i + 1]] > v else v
    return total if 0 < total < 200 and int_to_roman(total) == roman else None


def int_to_roman(n: int) -> str:
    out = ""
    for value, sym in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += sym
            n -= value
    return out


def title_case(text: str) -> str:
    """'GRUPO DE TRABAJO SOBRE MIGRACIÓN' -> 'Grupo de Trabajo sobre Migración'.

    Mixed-case text is kept as written; 'U.S.-MEXICO' becomes 'U.S.-Mexico'."""
    text = " ".join(text.split())
    if any(c.islower() for c in text):
        return text
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if i and low in _SMALL:
            out.append(low)
        elif re.fullmatch(r"(?:[A-Z]\.){2,}\S*", word) and "-" not in word:
            out.append(word)  # U.S., D.C.
        else:
            out.append(re.sub(r"[^\W\d_]+", lambda m: m.group()[:1] + m.group()[1:].lower(), word))
    return " ".join(out)


def meeting_name(number: int, lang: str) -> str:
    roman = int_to_roman(number)
    return (
        f"{roman} Comisión Binacional México-Estados Unidos"
        if lang == "es"
        else f"{roman} U.S.-Mexico Binational Commission"
    )


def _parse_date(text: str, lang: str) -> str | None:
    import dateparser

    langs = [lang, "es" if lang == "en" else "en"] if lang in ("en", "es") else ["en", "es"]
    with _DATE_LOCK:  # dateparser's caches are not documented as thread-safe
        parsed = dateparser.parse(
            text, languages=langs, settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]}
        )
    return parsed.date().isoformat() if parsed else None


def _last_day(days: str) -> str:
    return re.findall(r"\d{1,2}", days)[-1]  # '25-26' -> '26': a meeting's communiqué is dated its last day


def find_date(line: str, lang: str) -> tuple[str, int, int] | None:
    """(iso date, start, end) of the first full date written in the line."""
    for i, pattern in enumerate(_DATES):
        for m in pattern.finditer(line):
            if i == 1:
                candidate = f"{m.group(1)} {_last_day(m.group(2))}, {m.group(3)}"
            else:
                sep = " de " if i == 0 else " "
                candidate = f"{_last_day(m.group(1))}{sep}{m.group(2)}{sep}{m.group(3)}"
            iso = _parse_date(candidate, lang)
            if iso:
                return iso, m.start(), m.end()
    return None


def header_lines(body: str) -> list[str]:
    lines = [line.strip() for line in body[:3000].split("\n")]
    return [line for line in lines if line][:HEADER_LINES]


def _is_short_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters) and len(line.split()) <= 8


def detect_header(body: str, lang: str) -> dict[str, Found]:
    """Fields found in the first lines: meeting, meeting_number, date, place, working_group."""
    lines = header_lines(body)
    found: dict[str, Found] = {}
    used: set[int] = set()
    meeting_end = (-1, 0)  # line and offset where the meeting's name ends
    for i, line in enumerate(lines[:6]):
        for pattern in _MEETING:
            m = pattern.search(line)
            number = roman_to_int(m.group(1)) if m else None
            if m and number:
                found["meeting_number"] = Found(str(number), 0.95)
                found["meeting"] = Found(meeting_name(number, lang), 0.95)
                used.add(i)
                meeting_end = (i, m.end())
                break
        if "meeting" in found:
            break
    date_line = -1
    for i, line in enumerate(lines[:6]):
        words = len(line.split())
        # a body sentence's date is the date of something else; a header collapsed into one
        # line (a web page's <p> without <br>) is caps from end to end
        header_like = words <= 12 or (words <= 30 and not any(c.islower() for c in line))
        hit = find_date(line, lang) if header_like else None
        if hit:
            iso, start, end = hit
            found["date"] = Found(iso, 0.95 if words <= 6 else 0.8)
            date_line = i
            used.add(i)
            skip = meeting_end[1] if meeting_end[0] == i else 0  # the meeting's name is no place
            before = line[skip:start].strip(" ,;-–")
            after = line[end:].strip(" ,;-–")
            if before and len(before.split()) <= 6 and not re.search(r"\d", before):
                found["place"] = Found(title_case(before), 0.7)  # 'Mexico City, November 26, 2002'
            elif not before and after and len(after.split()) <= 6 and _is_short_caps(after):
                found["place"] = Found(title_case(after), 0.6)  # '... NOVEMBER 26, 2002 MEXICO CITY, MEXICO'
            break
    for i, line in enumerate(lines):
        m = _GROUP.match(line)
        if not m or len(line.split()) > 20:
            continue
        text, j = m.group(1).strip(), i
        # a heading wrapped over two lines: 'GRUPO DE TRABAJO SOBRE MIGRACIÓN Y' / 'ASUNTOS CONSULARES'
        while j + 1 < len(lines) and text.split()[-1].lower() in _CONNECTOR and _is_short_caps(lines[j + 1]):
            j += 1
            text = f"{text} {lines[j]}"
        found["working_group"] = Found(title_case(text.rstrip(" .:")), 0.9 if _is_short_caps(text) else 0.7)
        used.update(range(i, j + 1))
        break
    if "place" not in found and date_line >= 0:
        # the place is a short line of the header block next to the date: 'MEXICO CITY, MEXICO'
        for i in (date_line + 1, date_line - 1):
            if 0 <= i < len(lines) and i not in used and _is_short_caps(lines[i]) and not re.search(r"\d", lines[i]):
                found["place"] = Found(title_case(lines[i].rstrip(" ")), 0.8 if "," in lines[i] else 0.6)
                break
    return found


def short_place(place: str) -> str:
    """'Mexico City, Mexico' -> 'Mexico City' (the city is what tells meetings apart)."""
    head = place.split(",")[0].strip()
    return head if head.upper() not in ("D.C", "D.C.") else place


def derived_doc_id(found: dict[str, Found], lang: str) -> str | None:
    """'bnc-xix-2002-11-26-migration-consular-affairs-en': stable while the header says the same.

    None unless the header names the meeting or both a date and a working group."""
    from indexer.ingest.readers import slugify

    number = found.get("meeting_number")
    date = found.get("date")
    group = found.get("working_group")
    if number is None and not (date and group):
        return None
    parts = ["bnc"]
    if number is not None:
        parts.append(int_to_roman(int(number.value)).lower())
    if date is not None:
        parts.append(date.value)
    if group is not None:
        topic = re.sub(
            r"^(?:working group|grupo de trabajo|subgrupo|subgroup)\s+(?:on|for|of|sobre|de|para)?\s*",
            "",
            group.value,
            flags=re.IGNORECASE,
        )
        words = [w for w in slugify(topic).split("-") if w not in _SMALL]
        parts.append("-".join(words[:5]) or "group")
    parts.append(lang)
    return slugify("-".join(parts))
