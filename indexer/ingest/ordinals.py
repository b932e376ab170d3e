"""Ordinal numbers as meeting headers write them: "16th", "XVI", "Sixteenth", "decimosexta", "vigésima primera"."""

from __future__ import annotations

import re
import unicodedata

_EN_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
_EN_TEENS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_EN_TENS = {"twenty": 20, "thirty": 30}
# Spanish, folded (no accents, lower case), feminine or masculine: 'decimotercera', 'décimo tercer'
_ES_UNITS = {
    "primer": 1,
    "primera": 1,
    "primero": 1,
    "segunda": 2,
    "segundo": 2,
    "tercer": 3,
    "tercera": 3,
    "tercero": 3,
    "cuarta": 4,
    "cuarto": 4,
    "quinta": 5,
    "quinto": 5,
    "sexta": 6,
    "sexto": 6,
    "septima": 7,
    "septimo": 7,
    "setima": 7,
    "octava": 8,
    "octavo": 8,
    "novena": 9,
    "noveno": 9,
}
_ES_TENS = {"decima": 10, "decimo": 10, "vigesima": 20, "vigesimo": 20, "trigesima": 30, "trigesimo": 30}
_ES_SPECIAL = {"undecima": 11, "undecimo": 11, "duodecima": 12, "duodecimo": 12}

_EN_WORD = "|".join([*_EN_TEENS, *(f"(?:{t}[- ]?)?{u}" for t in _EN_TENS for u in _EN_UNITS), *_EN_UNITS])
_ES_WORD = (
    rf"(?:{'|'.join(_ES_TENS)})(?:\s*-?\s*(?:{'|'.join(_ES_UNITS)}))?|{'|'.join(_ES_SPECIAL)}|{'|'.join(_ES_UNITS)}"
)
_ROMAN = r"[IVXL]{1,7}"
_DIGITS = r"\d{1,2}\s?(?:st|nd|rd|th|a\.?|o\.?|ª|º|er\.?|era\.?)"
# one ordinal, as written: match it with re.IGNORECASE on deaccented text (Roman numerals in capitals only)
ORDINAL = rf"(?:(?-i:{_ROMAN})|{_DIGITS}|{_EN_WORD}|{_ES_WORD})"


def deaccent(text: str) -> str:
    """Accents dropped, case and length kept (NFC Latin text): 'Décima Reunión' -> 'Decima Reunion'."""
    out = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return out if len(out) == len(text) else text


def fold(text: str) -> str:
    """Lower case without accents: 'Decimotercera Reunión' -> 'decimotercera reunion'."""
    return deaccent(text).lower()


def ordinal_value(text: str) -> int | None:
    """The number an ordinal stands for: 'XIII', '13th', '13a.', 'Thirteenth', 'decimotercera' -> 13."""
    from indexer.ingest.header import roman_to_int

    raw = text.strip().rstrip(".")
    if re.fullmatch(_ROMAN, raw):
        return roman_to_int(raw)
    digits = re.match(r"(\d{1,2})", raw)
    if digits:
        return int(digits.group(1)) or None
    word = re.sub(r"[\s-]+", " ", fold(raw)).strip()
    if word in _EN_TEENS:
        return _EN_TEENS[word]
    if word in _EN_UNITS:
        return _EN_UNITS[word]
    if word in _ES_SPECIAL:
        return _ES_SPECIAL[word]
    if word in _ES_UNITS:
        return _ES_UNITS[word]
    for tens, value in (*_EN_TENS.items(), *_ES_TENS.items()):
        if word.startswith(tens):
            rest = word[len(tens) :].strip()
            if not rest:
                return value
            unit = _EN_UNITS.get(rest) or _ES_UNITS.get(rest)
            return value + unit if unit else None
    return None
