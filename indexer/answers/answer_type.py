"""What a question asks for (date, number, person, place, instrument, ...) in EN and ES, and the phrases
of that type in a sentence: the answer phrase is one of them, marked inside the quoted sentence."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

FACTOID = ("date", "number", "person", "place", "instrument")
TYPES = (*FACTOID, "agreement", "yesno", "other")


@functools.lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lowercase without accents: "cuántos", "cuantos" and "CUÁNTOS" are one word to the rules."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


# (type, pattern on the folded question); first match wins, so specific rules come first
_RULES: tuple[tuple[str, str], ...] = (
    (
        "date",
        r"\b(when|what (year|date|day|month|century|decade)|which (year|date|day|month|century|decade)|since when"
        r"|how long ago|cuando|(en )?(que|cual) (ano|fecha|dia|mes|siglo|decada)|desde cuando|hasta cuando)\b",
    ),
    (
        "number",
        r"\b(how (many|much|long|far|old|large|big|high|tall)|what (percentage|percent|share|number|amount)"
        r"|cuant[oa]s?|(que|cual) (porcentaje|numero|cantidad|monto|proporcion|edad))\b",
    ),
    ("agreement", r"\b(agree[ds]?|agreement reached|commit(ted)?|acord(aron|o|ado)|convin(ieron|o)|se comprometi)\b"),
    (
        "instrument",
        r"\b(what|which|que|cual|cuales) (law|act|program(me)?|treaty|agreement|initiative|visa|card"
        r"|ley|programa|tratado|acuerdo|iniciativa|tarjeta)\b",
    ),
    (
        "person",
        r"\b(who|whom|whose|quien(es)?|(what|which) (agency|organization|body|group|company|team|player|person"
        r"|man|woman|king|queen|president|leader|scientist|author|emperor|party|official|coach|quarterback|family"
        r"|department|ministry|secretariat|office)"
        r"|(que|cual) (agencia|organizacion|organismo|dependencia|grupo|empresa|equipo|jugador|persona|hombre"
        r"|mujer|rey|reina|presidente|lider|cientifico|autor|emperador|partido|funcionario|entrenador|familia"
        r"|secretaria|ministerio|oficina|departamento))\b",
    ),
    (
        "place",
        r"\b(where|what (city|country|state|place|region|town)|which (city|country|state|place|region|town)"
        r"|donde|adonde|(en )?(que|cual) (ciudad|pais|estado|lugar|region))\b",
    ),
    ("yesno", r"^\W*(is|are|was|were|did|does|do|can|could|will|would|has|have|had|should)\b"),
)
_COMPILED = tuple((t, re.compile(p)) for t, p in _RULES)


def question_type(question: str) -> str:
    """The answer type asked for; "other" when no rule applies (and for keyword queries). When several
    rules match, the one matching earliest wins ("¿Cuántos años tenía ... cuando ganó?" asks a number);
    on a tie the more specific rule (listed first) does."""
    folded = fold(question)
    best: tuple[int, int, str] | None = None
    for order, (kind, pattern) in enumerate(_COMPILED):
        m = pattern.search(folded)
        if m and (best is None or (m.start(), order) < best[:2]):
            best = (m.start(), order, kind)
    return best[2] if best else "other"


_QUESTION_WORD = re.compile(
    r"\W*(what|which|who|whom|whose|when|where|why|how|que|cual|cuales|quien|quienes|cuando|donde|por que|como"
    r"|cuanto|cuanta|cuantos|cuantas)\b"
)


def is_question(text: str) -> bool:
    """A question (mark or question word, or several words), as opposed to a keyword query like `SENTRI`."""
    if "?" in text or "¿" in text or _QUESTION_WORD.match(fold(text)):
        return True
    return question_type(text) != "other" or len(text.split()) >= 4


_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)
_YEAR = r"(1[0-9]{3}|20[0-9]{2})(s|'s)?"
_DATE = re.compile(
    rf"(?i)\b((\d{{1,2}} de )?({_MONTHS})( \d{{1,2}})?(,? (de |of )?{_YEAR})?"
    rf"|\d{{1,2}} de ({_MONTHS})|(the )?{_YEAR}|(siglo|century) [xvi]+|[xvi]+ (siglo|century)"
    rf"|\d{{1,2}}(st|nd|rd|th) century|\d{{1,2}}/\d{{1,2}}(/\d{{2,4}})?)\b"
)
_NUMWORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand"
    "|million|billion|dozen|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veinte|treinta"
    "|cuarenta|cincuenta|cien|ciento|cientos|mil|millones|millon|docena"
)
_NUMBER = re.compile(
    rf"(?i)(US)?[$€£]?\s?\b\d{{1,3}}(?: \d{{3}})+\b|(US)?[$€£]?\s?\b\d[\d,.]*(\s?(%|percent\b|por ciento\b"
    rf"|(?:millones|million|billion|mil|thousand|km|kilometers|kilómetros|miles|metros|meters|years|años|days|días"
    rf"|people|personas|square miles|millas cuadradas|km2|hectares|hectáreas)\b))?"
    rf"|\b({_NUMWORDS})( ({_NUMWORDS}))*\b"
)
# a period inside ("U.S"), after an initial or a title ("William E. Simon", "St. Louis"), never a sentence end
_CAP = r"(?:[A-ZÁÉÍÓÚÑÜ]\.(?= )|(?:St|Mr|Mrs|Ms|Dr|Jr|Sr|Sra|Mt|Ft)\.(?= )|[A-ZÁÉÍÓÚÑÜ](?:[\w'’\-]|\.(?=\w))*)"
_LINK = r"(?: (?:of|the|and|for|de|del|la|las|los|y|el|para|on|en)){0,2}"
_NAME = re.compile(rf"\b{_CAP}(?:{_LINK} {_CAP})*")
_INSTRUMENT = re.compile(
    r"(?i)\b(act|law|program|programme|agreement|treaty|initiative|ley|programa|acuerdo|tratado"
    r"|iniciativa|visa|card|tarjeta)\b"
)


@dataclass(frozen=True)
class Phrase:
    start: int  # offsets into the sentence
    end: int
    text: str


def _spans(pattern: re.Pattern[str], sentence: str) -> list[Phrase]:
    out = []
    for m in pattern.finditer(sentence):
        text = m.group(0).strip(" ,.;:")
        if text:
            start = m.start() + m.group(0).index(text)
            out.append(Phrase(start, start + len(text), text))
    return out


@functools.lru_cache(maxsize=50_000)
def typed_phrases(sentence: str, kind: str) -> tuple[Phrase, ...]:
    """Phrases of `kind` in the sentence (empty for non-factoid kinds); cached, since the same sentences
    come back for many questions."""
    return tuple(_typed(sentence, kind))


# capitalised only because they start a sentence or clause: never the start of a name
_EN_LEAD = (
    "the a an in on at by for from to of this that these those his her its their it he she they we there "
    "when while after before during since although however but and also as if no not many most some one"
)
_ES_LEAD = (
    "el la los las un una unos unas en de del desde durante tras antes después cuando aunque sin pero y "
    "también como si no su sus este esta estos estas ese esa por para con según al"
)
_LEAD = frozenset(f"{_EN_LEAD} {_ES_LEAD}".split())


def _unlead(p: Phrase) -> Phrase | None:
    """The name without a leading function word ("The Amazon" -> "Amazon"); None if nothing is left."""
    words = p.text.split(" ")
    drop = 0
    while drop < len(words) and words[drop].lower() in _LEAD:
        drop += 1
    if drop == len(words):
        return None
    if drop == 0:
        return p
    # leave link words ("of", "de") that ended up leading: a name starts with a capital
    while drop < len(words) and not words[drop][:1].isupper():
        drop += 1
    if drop == len(words):
        return None
    offset = len(" ".join(words[:drop])) + 1
    return Phrase(p.start + offset, p.end, p.text[offset:])


def _typed(sentence: str, kind: str) -> list[Phrase]:
    if kind == "date":
        return _spans(_DATE, sentence)
    if kind == "number":
        return _counts(sentence, _spans(_NUMBER, sentence), _spans(_DATE, sentence))
    if kind in ("person", "place"):
        names = [_unlead(p) for p in _spans(_NAME, sentence)]
        return [p for p in names if p is not None and (p.start > 0 or " " in p.text)]
    if kind == "instrument":
        return [p for p in _spans(_NAME, sentence) if _INSTRUMENT.search(p.text) or p.text.isupper()]
    return []


# a day joined to a date: "8 y 9 de septiembre", "del 8 al 10 de mayo", "February 13th and 14th", "September 8-9"
_ORDINAL = r"(?:st|nd|rd|th|º|°)?"
_DAY_LINK = re.compile(rf"(?i){_ORDINAL}\s*(?:-|–|y|and|al|a|to|through|hasta)\s*")
_DAY_AFTER = re.compile(rf"(?i){_ORDINAL}\s*(?:(?:-|–|y|and|al|a|to|through|hasta)\s*)?")
_MONTH_OR_DAY_END = re.compile(rf"(?i)(?:\b(?:{_MONTHS})|\b\d{{1,2}})$")


def _counts(sentence: str, numbers: list[Phrase], dates: list[Phrase]) -> list[Phrase]:
    """The numbers that count something: not inside a date ("1999" is a year) and not a day joined to one
    ("8" in "8 y 9 de septiembre de 1999", "14th" in "February 13th and 14th": the meeting's days)."""
    spans = [(d.start, d.end) for d in dates]
    left = [p for p in numbers if not any(s <= p.start < e for s, e in spans)]
    joined = True
    while joined:  # a day joins a date, then the next day joins that one ("13th and 14th")
        joined = False
        for p in left:
            if not (p.text.isdigit() and 1 <= int(p.text) <= 31):
                continue
            before = any(s >= p.end and _DAY_LINK.fullmatch(sentence[p.end : s]) for s, _ in spans)
            after = any(
                e <= p.start and _DAY_AFTER.fullmatch(sentence[e : p.start]) and _MONTH_OR_DAY_END.search(sentence[s:e])
                for s, e in spans
            )
            if before or after:
                spans.append((p.start, p.end))
                left.remove(p)
                joined = True
                break
    return left


_WORD = re.compile(r"\w+")


def question_words(question: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(fold(question)) if len(w) > 2)


def has_answer_phrase(sentence: str, qwords: frozenset[str], kind: str) -> bool:
    """Whether the sentence holds a phrase of the asked type that is not the question's own words."""
    return kind in FACTOID and any(
        any(w not in qwords for w in _WORD.findall(fold(p.text))) for p in typed_phrases(sentence, kind)
    )


def answer_phrase(sentence: str, question: str, kind: str) -> Phrase | None:
    """The phrase of the asked type that answers: not words of the question itself, and nearest to the
    question's words in the sentence (answers sit next to what the question restates)."""
    if kind not in FACTOID:
        return None
    qwords = question_words(question)
    anchors = [(m.start(), m.end()) for m in _WORD.finditer(sentence) if fold(m.group(0)) in qwords]
    head = counted_noun(question) if kind == "number" else None
    best: tuple[float, Phrase] | None = None
    for phrase in typed_phrases(sentence, kind):
        words = [fold(w) for w in _WORD.findall(phrase.text)]
        new = [w for w in words if w not in qwords]
        if not new:
            continue  # the question's own words are never its answer
        # gap between the phrase and the nearest question word, either side; longer phrases win ties
        # (weights chosen on the XQuAD dev records: token F1 .436 -> .455)
        gaps = (min(abs(s - phrase.end), abs(e - phrase.start)) for s, e in anchors)
        distance = min(gaps, default=len(sentence))
        share = len(new) / max(len(words), 1)
        cost = distance / max(len(sentence), 1) - 0.1 * share - 0.3 * min(len(new), 4) / 4
        if head and counts_noun(sentence, phrase, head):
            cost -= HEAD_BONUS
        if best is None or cost < best[0]:
            best = (cost, phrase)
    if best is None:
        return None
    return _year_only(best[1]) if kind == "date" and _ASKS_YEAR.search(fold(question)) else best[1]


HEAD_BONUS = 0.3  # a number right before the noun the question counts ("how many households" -> "68,511 households")
_HOW_MANY = re.compile(r"\b(?:how many|cuant[oa]s)\s+(?:de\s+)?(\w+)")


def counted_noun(question: str) -> str | None:
    m = _HOW_MANY.search(fold(question))
    return m.group(1)[:5] if m and len(m.group(1)) > 2 else None


def counts_noun(sentence: str, phrase: Phrase, head: str) -> bool:
    """The phrase is followed, within two words, by a word starting like the counted noun."""
    after = _WORD.findall(fold(sentence[phrase.end : phrase.end + 40]))[:2]
    return any(w.startswith(head) or (len(w) > 3 and head.startswith(w[:4])) for w in after)


_ASKS_YEAR = re.compile(r"\b(what|which|in what|in which|que|cual|en que|en cual) (year|ano)\b")
_YEAR_IN = re.compile(rf"\b{_YEAR}\b")


def _year_only(phrase: Phrase) -> Phrase:
    """ "7 de enero de 1943" -> "1943" when the question asks for the year."""
    m = _YEAR_IN.search(phrase.text)
    if m is None or m.group(0) == phrase.text:
        return phrase
    return Phrase(phrase.start + m.start(), phrase.start + m.end(), m.group(0))
