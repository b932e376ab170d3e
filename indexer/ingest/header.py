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

from indexer.ingest.header_block import dates_the_meeting, first_sentence, header_end, sentence_place
from indexer.ingest.header_group import find_group, group_in_sentence
from indexer.ingest.meeting_body import COMMISSION, COUNTRIES, meeting_in_body
from indexer.ingest.ordinals import ORDINAL, deaccent, ordinal_value
from indexer.ingest.slugs import slugify

HEADER_LINES = 12  # the header block and the working group's heading under it
_ROMAN = r"[IVXLC]{1,8}"
# an ordinal before 'meeting'/'reunión' or before the commission's name, on deaccented text:
# 'XIX U.S.-MEXICO BINATIONAL COMMISSION', 'Sixteenth Meeting of the …', 'Decimotercera Reunión', '16th BNC'
_MEETING = re.compile(
    rf"(?<![\w.])(?P<ord>{ORDINAL})\s+(?:annual\s+|anual\s+)?"
    rf"(?:(?:plenary\s+)?(?:meeting|session|reunion)\b(?!\s+(?:of\s+the\s+|de\s+(?:la|el)\s+|del\s+)?"
    rf"(?:working\s+group|grupo\s+de\s+trabajo|subgroup|subgrupo))|(?:{COMMISSION}){COUNTRIES})",
    re.IGNORECASE,
)
_NAMES_COMMISSION = re.compile(rf"\b(?:{COMMISSION}|binacional|binational)", re.IGNORECASE)
_WORD = r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]{3,12}\.?"
_DAYS = r"\d{1,2}(?:\s*(?:[-–]|y|al|and|to)\s*\d{1,2})?"
_DATES = [
    re.compile(rf"\b({_DAYS})\s+(?i:de)\s+({_WORD})\s+(?i:del?)\s+(\d{{4}})\b"),  # 26 de noviembre de 2002
    re.compile(rf"\b({_WORD})\s+({_DAYS}),?\s+(\d{{4}})\b"),  # NOVEMBER 26, 2002
    re.compile(rf"\b({_DAYS})\s+({_WORD})\s+(\d{{4}})\b"),  # 26 November 2002
]
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
        elif re.fullmatch(r"[IVXLC]+|US|DC|EUA|BNC|CBN", word.strip(",.:;")) and (
            len(word.strip(",.:;")) <= 3 or roman_to_int(word.strip(",.:;"))
        ):
            out.append(word)  # XIX, US, DC
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


def find_meeting(lines: list[str]) -> tuple[int, int, int] | None:
    """(number, line, end offset) of the meeting the header names: an ordinal before 'meeting',
    'reunión' or the commission's name, in a header that names the Binational Commission."""
    if not any(_NAMES_COMMISSION.search(deaccent(line)) for line in lines):
        return None
    for i, line in enumerate(lines):
        for m in _MEETING.finditer(deaccent(line)):
            number = ordinal_value(m.group("ord"))
            if number and number < 100:
                return number, i, m.end()
    return None


# a line that names a body of people or a document, never a place
_NOT_PLACE = re.compile(
    r"\b(?:group|grupo|commission|comisi[oó]n|meeting|reuni[oó]n|binational|binacional|delegation|delegaci[oó]n|"
    r"communiqu[eé]|comunicado|statement|declaraci[oó]n|report|informe|press|prensa|office|oficina|department|"
    r"secretar[ií]a|embassy|embajada|joint|conjunto)\b",
    re.IGNORECASE,
)


def _place(text: str) -> str | None:
    text = text.strip(" ,;-–()[]")
    if not text or len(text.split()) > 6 or re.search(r"\d", text) or _NOT_PLACE.search(text):
        return None
    return title_case(text)


def detect_header(body: str, lang: str) -> dict[str, Found]:
    """Fields found in the header block: meeting, meeting_number, date, place, working_group.

    When the header states no date, the first sentence of the body text may: 'En la ciudad de
    Oaxaca, el 24 de septiembre de 1999, …' gives the date and the place."""
    end = header_end(body, lang)
    block = [line.strip(" \t") for line in body[:end].split("\n")] if end else []
    block = [line for line in block if line]
    lines = block or header_lines(body)
    head = len(block)  # lines of the header block (0: no block found, the first lines are read)
    found: dict[str, Found] = {}
    used: set[int] = set()
    meeting_end = (-1, 0)  # line and offset where the meeting's name ends
    meeting = find_meeting(lines[: max(head, 6)])
    if meeting:
        number, i, stop = meeting
        found["meeting_number"] = Found(str(number), 0.95)
        found["meeting"] = Found(meeting_name(number, lang), 0.95)
        used.add(i)
        meeting_end = (i, stop)
    date_line = -1
    for i, line in enumerate(lines[: max(head, 6)]):
        words = len(line.split())
        # a body sentence's date is the date of something else; a header collapsed into one
        # line (a web page's <p> without <br>) is caps from end to end
        header_like = words <= 12 or (words <= 30 and not any(c.islower() for c in line))
        hit = find_date(line, lang) if header_like else None
        if hit:
            iso, start, stop = hit
            found["date"] = Found(iso, 0.95 if words <= 6 else 0.8)
            date_line = i
            used.add(i)
            skip = meeting_end[1] if meeting_end[0] == i else 0  # the meeting's name is no place
            before = line[skip:start].strip(" ,;-–()[]")
            after = line[stop:].strip(" ,;-–()[]")
            place = _place(before) if before and not re.search(r"\d", before) else None
            if place:
                found["place"] = Found(place, 0.7)  # 'Mexico City, November 26, 2002', 'Zacatecas, Zac., 23 de …'
            elif after and _is_short_caps(after) and _place(after):
                found["place"] = Found(str(_place(after)), 0.6)  # '… NOVEMBER 26, 2002 MEXICO CITY, MEXICO'
            break
    group = find_group(lines, head)
    if group:
        found["working_group"] = group[0]
        first = next(i for i, line in enumerate(lines) if group[0].value.split()[0].lower() in line.lower())
        used.update(range(first, group[1] + 1))
    if "place" not in found and date_line >= 0:
        # the place is a short line of the header block next to the date: 'MEXICO CITY, MEXICO'
        for i in (date_line + 1, date_line - 1):
            if 0 <= i < len(lines) and i not in used and (_is_short_caps(lines[i]) or head) and _place(lines[i]):
                found["place"] = Found(str(_place(lines[i])), 0.8 if "," in lines[i] else 0.6)
                break
    if any(k not in found for k in ("date", "place", "meeting_number", "working_group")):
        _from_first_sentence(body, end, lang, found)
    if "meeting_number" not in found:
        stated = meeting_in_body(body[end:])  # 'This year's BNC meeting is the 12th since 1981.'
        if stated:
            found["meeting_number"] = Found(str(stated), 0.5)
            found["meeting"] = Found(meeting_name(stated, lang), 0.5)
    return found


def _from_first_sentence(body: str, end: int, lang: str, found: dict[str, Found]) -> None:
    """What the first body sentence states of the meeting where the header does not: its date and place (when
    it reports the meeting itself), the meeting's number, the working group."""
    sentence = first_sentence(body, end)
    if "meeting_number" not in found:
        meeting = find_meeting([sentence])
        if meeting:
            found["meeting_number"] = Found(str(meeting[0]), 0.6)
            found["meeting"] = Found(meeting_name(meeting[0], lang), 0.6)
    if "working_group" not in found:
        named = group_in_sentence(sentence)
        if named:
            found["working_group"] = Found(named, 0.5)
    if not dates_the_meeting(sentence):
        return
    hit = find_date(sentence, lang)
    if hit is None:
        return
    if "date" not in found:
        found["date"] = Found(hit[0], 0.6)
    place = sentence_place(sentence) if "place" not in found else None
    if place and _place(place):
        found["place"] = Found(title_case(place), 0.5)


def short_place(place: str) -> str:
    """'Mexico City, Mexico' -> 'Mexico City' (the city is what tells meetings apart)."""
    head = place.split(",")[0].strip()
    return head if head.upper() not in ("D.C", "D.C.") else place


def derived_doc_id(found: dict[str, Found], lang: str) -> str | None:
    """'bnc-xix-2002-11-26-migration-consular-affairs-en': stable while the header says the same.

    None unless the header names the meeting or both a date and a working group. A number read deep in the
    body (confidence 0.5) is left out: the id stays what the header and first sentence say."""
    number = found.get("meeting_number")
    number = number if number is not None and number.confidence > 0.5 else None
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
