"""Dates and meetings named in a question ("in February 1995", "en junio de 1998", "the XV BNC").

They become a soft preference for documents of that date or meeting, never a filter: the
response shows what was understood, and the caller can switch it off (`understand=False`).
A date after "since", "desde", "before", "after" is a range the question is about, not the
meeting it asks for, and is ignored. A date inside a clause that describes a noun ("the campaign
launched in June 1998", "the study that began in 1995", "el programa que comenzó en 1998", "los
mecanismos creados en 1996") dates that earlier event, not the answer: it is read as context
(`Understood.context`), and a later date in the question that is not context is preferred to it.
So is a participle clause set off by a comma ("the memorandum, signed in May 1996, ..."), and a
relative of possession ("the study whose launch was agreed in 1995", "cuyo lanzamiento se acordó en"),
a date attached to an event noun ("the incidents of April 1996", "los incidentes de abril de 1996")
and a date of what "happened" ("What happened in April 1996?").
Two readings are not context: a participle that places the meeting itself ("the meeting held in
Zacatecas in 1995", "las delegaciones, reunidas en ... en 1996"), and the main verb of a passive
question ("Which cities were the mechanisms created for in 1996?", "Where were ... extended in ...?")."""

from __future__ import annotations

import calendar
import re
import threading
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from indexer.ingest.header import roman_to_int

_LOCK = threading.Lock()
_MONTHS_EN = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTHS_ES = "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
_MONTH = rf"(?:{_MONTHS_EN}|{_MONTHS_ES})"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
# "February 17, 1995" | "17 de febrero de 1995" | "February 1995" | "junio de 1998" | "1995"
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>{_YEAR})"
    rf"|(?P<d2>\d{{1,2}})\s+(?:de\s+)?(?P<m2>{_MONTH})\s+(?:de\s+|del\s+)?(?P<y2>{_YEAR})"
    rf"|(?P<m3>{_MONTH})\s+(?:de\s+|del\s+|of\s+)?(?P<y3>{_YEAR})"
    rf"|(?P<y4>{_YEAR}))\b",
    re.IGNORECASE,
)
_RANGE_WORDS = re.compile(
    r"\b(?:since|desde|before|after|antes\s+de|despu[eé]s\s+de|until|hasta)\s+(?:(?:el|la|the|de|in|en)\s+)*$", re.I
)
# the clause before a date that makes it context: a relative pronoun and its verb ("that began",
# "que comenzó", "que se firmó"), or a participle right after a noun ("campaign launched",
# "estudio iniciado"); then at most a few words ("in Zacatecas") up to the date's preposition
_AUX_EN = r"(?:am|is|are|was|were|be|been|being|has|have|had|get|got|gets|as|and|or|not|did|do|does)"
_AUX_ES = r"(?:fue|fueron|es|son|era|eran|ha|han|había|habían|sido|está|están|estaba|se|y|o|no|como)"
_PARTICIPLE_EN = r"(?:[a-z]+ed|begun|held|made|set|built|signed|won|begun|written|taken|given|seen|run)"
_PARTICIPLE_ES = r"(?:[a-záéíóúñ]+(?:ado|ada|ados|adas|ido|ida|idos|idas|ído|ída))"
_CLAUSE_TAIL = (
    r"(?:\s+[^\W\d][\w'’.-]*){0,4}?\s+(?:in|on|of|during|en|de|durante|el|la)\s+(?:(?:the|el|la|de|del)\s+)*$"
)
# a participle that places the meeting itself dates what is asked, not an earlier event
_MEETING_PARTICIPLE = (
    r"(?:held|met|convened|gathered|meeting|reunid[oa]s?|celebrad[oa]s?|congregad[oa]s?|convocad[oa]s?)\b"
)
_RELATIVE = r"(?:that|which|who|whom|whose|que|cual|cuales|quien|quienes|cuy[oa]s?)"
_RELATIVE_CLAUSE = rf"\b{_RELATIVE}\s+(?:(?:se|lo|la|le|was|were|had|has|have)\s+)*[\w'’]+"
_NAME_NOT_PARTICIPLE = r"(?:estad|unid)[oa]s\b"  # "Estados Unidos", "Naciones Unidas": a name, not a participle
_PARTICIPLE = rf"(?!{_MEETING_PARTICIPLE}|{_NAME_NOT_PARTICIPLE})(?:{_PARTICIPLE_EN}|{_PARTICIPLE_ES})"
_NOUN_PARTICIPLE = rf"\b(?!{_AUX_EN}\b|{_AUX_ES}\b)[\w'’-]+\s+{_PARTICIPLE}"
_CONTEXT = re.compile(rf"(?:{_RELATIVE_CLAUSE}|{_NOUN_PARTICIPLE}){_CLAUSE_TAIL}", re.IGNORECASE)
_RELATIVE_CONTEXT = re.compile(rf"{_RELATIVE_CLAUSE}{_CLAUSE_TAIL}", re.IGNORECASE)
# after a comma, a clause that opens with a participle: "the memorandum, signed in May 1996"
_APPOSITIVE = re.compile(rf"^\s*{_PARTICIPLE}{_CLAUSE_TAIL}", re.IGNORECASE)
# a passive question: an adverbial question word (or "which/what" and a noun) and a form of "be" before
# its subject, so the participle after the subject is the question's own verb ("Where were the
# mechanisms extended in 1998?"), not a clause describing the subject
_PASSIVE_QUESTION = re.compile(
    r"^(?:where|when|why|how(?:\s+(?:many|much|often|long))?|which|what)(?:\s+[\w'’-]+){0,3}?"
    r"\s+(?:was|were|is|are|will\s+be|has\s+been|have\s+been|had\s+been)\s",
    re.IGNORECASE,
)
# a date attached to an event noun by "of"/"de" ("the incidents of April 1996", "los incidentes de abril de
# 1996"): the noun's date, unless the noun is the meeting, a document of it, or a span of time
_NOT_EVENT = (
    r"(?:meeting|meetings|session|sessions|commission|bnc|cbn|communiqu[eé]|statement|report|conclusions|group|"
    r"reuni[oó]n|reuniones|sesi[oó]n|comisi[oó]n|comunicado|declaraci[oó]n|informe|conclusiones|grupo|"
    r"week|weeks|month|months|days?|end|beginning|middle|semana|semanas|mes|meses|d[ií]as?|fin|finales|principios|"
    r"mediados|inicio|comienzos)"
)
_EVENT_OF = re.compile(rf"\b(?!{_NOT_EVENT}\b)[^\W\d_]{{3,}}\s+(?:of|de|del)\s+(?:(?:the|el|la)\s+)?$", re.I)
_HAPPENED = re.compile(
    r"\b(?:happened|occurred|ocurri[oó]|ocurrieron|pas[oó]|sucedi[oó]|sucedieron)\s+(?:in|on|en|during|durante)"
    r"\s+(?:(?:the|el|la)\s+)?$",
    re.I,
)
_QUESTION_WORD = re.compile(r"^(?:which|what|who|whom|whose|qu[eé]|cu[aá]l(?:es)?|qui[eé]n(?:es)?)\b", re.I)
_MEETING = re.compile(
    r"\b(?P<roman>[IVXL]{1,6})\s+(?:BNC|CBN|U\.S\.-Mexico\s+Binational|Binational|Comisi[oó]n\s+Binacional|Reuni[oó]n)"
    r"|\b(?P<num>\d{1,2})(?:st|nd|rd|th|a|ª|o|º)\s+(?:BNC|CBN|Binational|Comisi[oó]n\s+Binacional|meeting|reuni[oó]n)",
)


@dataclass(frozen=True)
class Understood:
    """What the question says about when: a date range (ISO), or a meeting number, and the words; and where."""

    text: str
    date_from: str | None = None
    date_to: str | None = None
    meeting_number: int | None = None
    place: str | None = None  # a meeting's place named in it (indexer.ingest.places)
    context: bool = False  # the date dates an event the question mentions, not the answer (kept out of to_dict)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("context")
        return out


@lru_cache(maxsize=256)  # dateparser takes about a tenth of a millisecond per call; month names repeat
def _month_number(name: str, lang: str) -> int | None:
    import dateparser  # the maintained date parser, for month names in either language

    with _LOCK:
        parsed = dateparser.parse(f"1 {name} 2000", languages=[lang, "es" if lang == "en" else "en"])
    return parsed.month if parsed else None


def _range(m: re.Match[str], lang: str) -> tuple[str, str] | None:
    g = m.groupdict()
    year = int(g["y1"] or g["y2"] or g["y3"] or g["y4"])
    month_name, day = g["m1"] or g["m2"] or g["m3"], g["d1"] or g["d2"]
    if month_name is None:
        return f"{year}-01-01", f"{year}-12-31"
    month = _month_number(month_name, lang)
    if month is None:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is not None and 1 <= int(day) <= last:
        # a communiqué is dated the meeting's last day: allow the two days after the one named
        d = int(day)
        return f"{year}-{month:02d}-{d:02d}", f"{year}-{month:02d}-{min(last, d + 2):02d}"
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last:02d}"


def understand(query: str, lang: str) -> Understood | None:
    """The first meeting ordinal or date the question asks about; None when it names none."""
    meeting = _MEETING.search(query)
    if meeting:
        number = roman_to_int(meeting["roman"]) if meeting["roman"] else int(meeting["num"])
        if number:
            return Understood(meeting.group().strip(), meeting_number=number)
    context: Understood | None = None
    for m in _DATE.finditer(query):
        before = query[: m.start()]
        if _RANGE_WORDS.search(before):
            continue
        span = _range(m, lang)
        if span is None:
            continue
        if not is_context(before):
            return Understood(m.group(), span[0], span[1])
        context = context or Understood(m.group(), span[0], span[1], context=True)
    return context


def is_context(before: str) -> bool:
    """Whether the words before a date put it in a clause describing a noun (see the module's note).

    Only the current clause counts: text before the last comma or question opener is not looked at."""
    clauses = re.split(r"[,;:]", before)
    clause = clauses[-1].lstrip(" ¿¡")
    if _EVENT_OF.search(clause) or _HAPPENED.search(clause):
        return True  # "the incidents of April 1996", "what happened in April 1996"
    if len(clauses) > 1 and _APPOSITIVE.search(clause):
        return True
    if len(clauses) == 1:  # the question's own first word ("Which", "¿Qué") is not a relative pronoun
        passive = _PASSIVE_QUESTION.search(clause)
        if passive:
            return _passive_context(clause[passive.end() :])
        clause = _QUESTION_WORD.sub("", clause)
    return bool(_CONTEXT.search(clause))


def _passive_context(rest: str) -> bool:
    """After "Where were", "Which cities were": the first participle is the question's own verb; only
    a relative clause, or a participle clause after that verb, makes the date context."""
    if _RELATIVE_CONTEXT.search(rest):
        return True
    verb = re.search(rf"\b(?:{_PARTICIPLE_EN}|{_PARTICIPLE_ES})\b", rest, re.IGNORECASE)
    return verb is not None and bool(_CONTEXT.search(rest[verb.end() :]))


def matches(understood: Understood, date: str | None, meeting_number: str | None) -> bool:
    """Whether a document (its ISO date, its meeting number) is of the understood date or meeting."""
    if understood.meeting_number is not None:
        return meeting_number is not None and meeting_number == str(understood.meeting_number)
    if date is None or understood.date_from is None or understood.date_to is None:
        return False
    return understood.date_from <= date <= understood.date_to
