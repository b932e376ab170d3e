"""What a question pins its answer to (a year, a number, a month, a name, an amount of money) and whether
a sentence or passage says it: a near miss quotes the right topic without the fact's qualifier."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.answers.answer_type import fold

if TYPE_CHECKING:
    from indexer.translate import Translation

_YEAR = re.compile(r"(?<![\d.,])(1[5-9]\d\d|20\d\d)(?![\d.,]\d)")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_MONTH_NAMES = (
    ("january", "enero"),
    ("february", "febrero"),
    ("march", "marzo"),
    ("april", "abril"),
    ("may", "mayo"),
    ("june", "junio"),
    ("july", "julio"),
    ("august", "agosto"),
    ("september", "septiembre", "setiembre"),
    ("october", "octubre"),
    ("november", "noviembre"),
    ("december", "diciembre"),
)
_MONTH = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTH, key=len, reverse=True)) + r")\b")
# capitalised words that name nothing: question and function words; "may" is taken for the verb
_NOT_NAME_WORDS = (
    "what which who whom whose when where why how is are was were did does do can could will would has have had "
    "should the a an in on at of for to by from and or this that these those its their there it he she they "
    "que cual cuales quien quienes cuando donde por como cuanto cuanta cuantos cuantas el la los las un una "
    "en de del y o su sus se es son fue fueron ha han hay este esta estos estas ese esa al con para segun "
    "i may"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_CAPITALISED = re.compile(r"[A-ZÁÉÍÓÚÑÜ][\w'’\-]*")
# money: a currency sign or word next to a number, or a number with a magnitude word and a currency word
_MONEY = re.compile(
    r"(?i)(us)?[$€£]\s?\d|\d[\d,.]*\s*(million|billion|mil|millones|thousand)?\s*(dollars|dolares|dólares|pesos"
    r"|euros|usd|mxn)\b"
)
_ASKS_MONEY = re.compile(
    r"\b(cost|costs|fee|fees|price|budget|money|spend|spent|invest|invested|funding|funds|paid|pay|dollars"
    r"|cuesta|cuestan|costo|coste|cuota|precio|presupuesto|dinero|monto|invert\w*|gast\w*|pag\w*|dolares|fondos)\b"
)
NAME_PREFIX = 5  # a name matches by its first letters: "Mexican" and "México", "Arizona" and "Arizona-Sonora"


@dataclass(frozen=True)
class Constraints:
    """The question's qualifiers, each as it is looked for in a text (folded, accents off)."""

    years: frozenset[str]
    numbers: frozenset[str]  # other numbers ("Article 36", "F-3"), digits as written
    months: frozenset[int]
    names: frozenset[str]  # folded first letters of each capitalised word that is not a question word
    money: bool  # the question asks for an amount of money ("how much does it cost", "¿cuánto cuesta?")
    # one more name, given as alternative forms (each its folded word prefixes): said when any one form is
    # said whole; the glossary's forms of the names a translated question named ("Comisión Binacional", "BNC")
    forms: tuple[frozenset[str], ...] = ()

    @property
    def figures(self) -> int:
        return len(self.years) + len(self.numbers) + len(self.months)

    @property
    def name_count(self) -> int:
        return len(self.names) + bool(self.forms)

    @property
    def count(self) -> int:
        return self.figures + self.name_count


@functools.lru_cache(maxsize=10_000)
def question_constraints(question: str) -> Constraints:
    folded = fold(question)
    years = frozenset(m.group(1) for m in _YEAR.finditer(folded))
    numbers = frozenset(n for n in _NUMBER.findall(folded) if n not in years)
    months = frozenset(_MONTH[m] for m in _MONTH_RE.findall(folded))
    found = list(_CAPITALISED.finditer(question))
    # the first word is capitalised because it starts the question ("Siguen", "Did"), unless it is an acronym
    if found and not question[: found[0].start()].strip(" ¿¡\"'(") and not found[0].group(0).isupper():
        found = found[1:]
    parts = [part for m in found for part in re.split(r"[-'’]", m.group(0))]  # "All-American", "Manning's"
    names = frozenset(
        f[:NAME_PREFIX] for w in parts if (f := fold(w)) and len(f) > 2 and f not in _NOT_NAMES and f not in _MONTH
    )
    return Constraints(years, numbers, months, names, bool(_ASKS_MONEY.search(folded)))


def asked_constraints(asked: str, translation: Translation | None = None) -> Constraints:
    """The qualifiers of the question as a passage reads it: `asked` is the question itself, or its machine
    translation (`translation`, whose text it is). The search appends the
    glossary's forms of a name to the translator's text, every form of every entry ("Comisión Binacional CBN
    BNC"); a sentence states one of them, so together they are one name said by any one form."""
    forms = tuple(translation.glossary) if translation is not None and translation.text == asked else ()
    tail = " ".join(forms)
    if not forms or not asked.endswith(tail):
        return question_constraints(asked)
    own = question_constraints(asked[: len(asked) - len(tail)].strip())
    words = tuple(w for f in forms if (w := _form_words(f)))
    return Constraints(own.years, own.numbers, own.months, own.names, own.money, words)


def _form_words(form: str) -> frozenset[str]:
    """A glossary form's words as `_said` keeps them (folded first letters), function words left out."""
    return frozenset(w[:NAME_PREFIX] for w in _WORD.findall(fold(form)) if w not in _NOT_NAMES and len(w) > 1)


@dataclass(frozen=True)
class _Said:
    numbers: frozenset[str]
    months: frozenset[int]
    words: frozenset[str]  # folded first letters of every word
    money: bool


_WORD = re.compile(r"\w[\w'’\-]*")


@functools.lru_cache(maxsize=50_000)
def _said(text: str) -> _Said:
    folded = fold(text)
    words = frozenset(w[:NAME_PREFIX] for w in _WORD.findall(folded)) | frozenset(
        part[:NAME_PREFIX] for w in _WORD.findall(folded) for part in re.split(r"[-'’]", w) if part
    )
    return _Said(
        frozenset(_NUMBER.findall(folded)),
        frozenset(_MONTH[m] for m in _MONTH_RE.findall(folded)),
        words,
        bool(_MONEY.search(text)),
    )


def unmet(c: Constraints, *texts: str) -> tuple[int, int]:
    """Of the question's qualifiers, how many figures (years, numbers, months in EN or ES) and how many names
    (by their first letters) none of the texts contains."""
    if not c.count:
        return 0, 0
    said = [_said(t) for t in texts if t]
    numbers = frozenset().union(*(s.numbers for s in said))
    months = frozenset().union(*(s.months for s in said))
    words = frozenset().union(*(s.words for s in said))
    forms_missing = bool(c.forms) and not any(f <= words for f in c.forms)
    figures = len(c.years - numbers) + len(c.numbers - numbers) + len(c.months - months)
    return figures, len(c.names - words) + forms_missing


def money_miss(c: Constraints, *texts: str) -> bool:
    """The question asks for an amount of money and no text states one."""
    return c.money and not any(_said(t).money for t in texts if t)


__all__ = ["Constraints", "asked_constraints", "money_miss", "question_constraints", "unmet"]
