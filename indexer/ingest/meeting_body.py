"""The meeting's number where only the body states it: "This year's BNC meeting is the 12th", "esta XX Reunión".

A body names many meetings ("At the first meeting in May 1978 …", "since the 12th meeting in 1995"),
so an ordinal is read only where the sentence says it is this meeting's (this year's, today's, the
present one: "this year's meeting is on Wednesday; it's the 20th", "la reunión de este año es la
XIX", "the present 20th meeting of the Binational Commission"), or where the Commission is named
with its number ("the 20th meeting of the U.S.-Mexico Binational Commission", "XIX Reunión de la
Comisión Binacional") and every such mention in the body gives the same number, none of them a past
one ("since", "previous", "anterior"). A "first" is never read (the first meeting under a president, in a
city), nor a working group's or talks' meeting. Text is read without accents (`deaccent`)."""

from __future__ import annotations

import re

from indexer.ingest.ordinals import ORDINAL, deaccent, ordinal_value

COMMISSION = (
    r"(?:(?:u\.?\s?s\.?|united\s+states)\s*[-–—]?\s*mexico\s+|mexico\s*[-–—]?\s*(?:u\.?\s?s\.?|united\s+states)\s+)?"
    r"binational\s+commission|comision\s+binacional|bnc\b|cbn\b"
)
COUNTRIES = r"(?:\s+(?:mexico\s*[-–—]?\s*(?:estados\s+unidos|ee\.?\s?uu\.?|eua)|estados\s+unidos\s*[-–—]?\s*mexico))?"
# a meeting of the Commission, not of a working group or of talks: 'the 5th meeting of the Working Group'
_MEETING = (
    r"(?:(?:annual|anual|plenary|plenaria)\s+)?(?:meeting|session|reunion|sesion)\b"
    r"(?!\s+(?:of|de|del)\s+(?:the\s+|la\s+|el\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:working\s+group|group|grupo|subgroup|subgrupo|talks|negotiations|negociaciones))"
)
# what follows an ordinal that is no meeting's number: 'the 20th century', 'el XX aniversario', 'the 12th of May'
_NOT_MEETING = (
    r"(?!\s*(?:century|anniversary|birthday|amendment|siglo|aniversario|of\s+(?:january|february|march|april|may|"
    r"june|july|august|september|october|november|december)|(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\b))"
)
_ORD = rf"(?P<ord>{ORDINAL})(?![\w'’-]){_NOT_MEETING}"
_GAP = r"[^.!?\n]{0,60}?"  # within one sentence: 'is on Wednesday; '
_THIS_YEAR = r"(?:this\s+year'?’?s|today'?’?s|this|the\s+(?:present|current))"
_THIS = [
    # 'This year's BNC meeting is the 12th', 'This year's meeting is on Wednesday; it's the 20th'
    rf"\b{_THIS_YEAR}\s+(?:(?:{COMMISSION})\s+)?{_MEETING}\b{_GAP}\b(?:is|was|will\s+be|marks|it['’]s|it\s+is)"
    rf"\s+the\s+{_ORD}",
    # 'this is the 20th meeting', 'today's 20th Binational Commission', 'the present XX meeting'
    rf"\b(?:{_THIS_YEAR}|(?:this|it)\s+(?:is|was|will\s+be|marks)\s+the)\s+{_ORD}\s+(?:{_MEETING}\b|(?:{COMMISSION}))",
    # 'la reunión de este año es la XIX', 'la reunión de hoy será la vigésima'
    rf"\b(?:reunion|sesion)\s+(?:de\s+este\s+ano|de\s+hoy|actual){_GAP}\b(?:es|sera|fue)\s+la\s+{_ORD}",
    # 'esta XX Reunión', 'esta es la XIX Reunión', 'la presente vigésima reunión', 'la actual XX Comisión Binacional'
    rf"\b(?:esta|la\s+(?:presente|actual)|esta\s+es\s+la)\s+{_ORD}\s+(?:{_MEETING}\b|(?:{COMMISSION}))",
]
_THIS_MEETING = [re.compile(p, re.IGNORECASE) for p in _THIS]
# the Commission named with its number: 'the 20th meeting of the U.S.-Mexico Binational Commission', 'XIX CBN'
_NAMED = re.compile(
    rf"(?<![\w.])(?P<ord>{ORDINAL})\s+(?:{_MEETING}\s+(?:of\s+the|de\s+la)\s+)?(?:{COMMISSION}){COUNTRIES}",
    re.IGNORECASE,
)
# a number that names an earlier meeting: 'since the 12th …', 'la anterior XVIII Reunión'
_PAST = re.compile(
    r"\b(?:since|after|before|previous|prior|last|past|preceding|desde|antes|despues|anterior|pasada|previa)\b"
    r"[^.!?\n]{0,25}$",
    re.IGNORECASE,
)


def meeting_in_body(text: str) -> int | None:
    """The meeting's number the body states as this meeting's, or None (see the module's docstring)."""
    plain = deaccent(text)
    for pattern in _THIS_MEETING:
        for m in pattern.finditer(plain):
            number = ordinal_value(m.group("ord"))
            if number and 1 < number < 100:  # 'the first … under President Fox' counts something else
                return number
    named = set()
    for m in _NAMED.finditer(plain):
        number = ordinal_value(m.group("ord"))
        if not number or not 1 < number < 100:
            continue
        if _PAST.search(plain[max(0, m.start() - 40) : m.start()]):
            return None  # a body that counts past meetings too: which one is this is not said
        named.add(number)
    return named.pop() if len(named) == 1 else None
