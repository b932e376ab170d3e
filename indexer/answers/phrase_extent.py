"""How far a picked number phrase reaches: its qualifier ("more than 70,000"), its range ("100–150", "de 100 a
150") and its multiplier or fraction ("ten times", "two-thirds"), which the typed-phrase patterns leave out."""

from __future__ import annotations

import re

from indexer.answers.answer_type import Phrase

_NUM = (
    r"(?:\d[\d,.\s]*\d|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundred|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veinte|treinta|cuarenta"
    r"|cincuenta|cien)"
)
_QUALIFIER = re.compile(
    r"(?i)\b(?:more than|less than|fewer than|over|nearly|almost|about|around|approximately|roughly|at least"
    r"|up to|some|más de|menos de|casi|alrededor de|cerca de|aproximadamente|unos|unas|al menos|hasta)\s+$"
)
# the start of a range ending at the phrase: "100–", "100 to ", "from 5 to ", "de 100 a ", "between 5 and "
_RANGE_BEFORE = re.compile(
    rf"(?i)(?:\b(?:between|entre)\s+{_NUM}\s+(?:and|y)\s+|\b(?:from\s+|de\s+)?{_NUM}\s*(?:–|-|—|to|a)\s*)$"
)
# the end of a range starting at the phrase: "–150", " to 150", " a 150", " and 10" after "between"
_RANGE_AFTER = re.compile(rf"(?i)^\s*(?:–|-|—|\bto\b|\ba\b)\s*{_NUM}(?:\s*%)?")
_TIMES = re.compile(r"(?i)^\s*(?:times|veces)\b")
_FRACTION = re.compile(r"(?i)^(?:-|\s)(?:thirds?|quarters?|halves|half|fifths?|tercios?|cuartos?|quintos?)\b")

WIDEN = {"qualifier": True, "range": True, "times": True}


def widen(sentence: str, phrase: Phrase, parts: dict[str, bool] | None = None) -> Phrase:
    """The number phrase grown over its qualifier, range and multiplier in `sentence` (offsets into it)."""
    use = WIDEN if parts is None else parts
    start, end = phrase.start, phrase.end
    if use.get("range"):
        before = _RANGE_BEFORE.search(sentence[max(0, start - 40) : start])
        after = _RANGE_AFTER.match(sentence[end : end + 40])
        if before:
            start -= len(before.group(0))
        elif after:
            end += after.end()
    if use.get("times"):
        fraction = _FRACTION.match(sentence[end : end + 20])
        times = _TIMES.match(sentence[end : end + 20])
        if fraction or times:
            end += (fraction or times).end()  # type: ignore[union-attr]
    if use.get("qualifier"):
        q = _QUALIFIER.search(sentence[max(0, start - 30) : start])
        if q:
            start -= len(q.group(0))
    if (start, end) == (phrase.start, phrase.end):
        return phrase
    return Phrase(start, end, sentence[start:end])


__all__ = ["WIDEN", "widen"]
