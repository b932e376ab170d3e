"""Whether two aligned passages read as translations: their lengths and the numbers they write agree.

Embedding similarity says two passages are on one subject; a neighbouring paragraph of the
same article (or a communiqué of the same meeting) reaches 0.80-0.88 against a translation's
0.87-0.95. A translation also keeps the text's numbers (years, amounts, counts) and its length
within a narrow band, which a same-subject neighbour rarely does (eval.pairing_short, XQuAD dev
articles 0-23: one-paragraph twins' length ratio 1.00-1.38 and number Dice 1.0 at the median,
wrong candidates 0.3-4.3 and 0.0). A sentence's length varies more, relatively, than a
paragraph's ("We are watching." / "Miramos."), so a short text may also differ by a few standard
deviations of the Gale-Church length model; and a number may be written in words in one version
("at 2:30" / "a las dos y media")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from indexer.index.pair_mt import evidence

# thousands separators (1,000 / 1.000 / 1 000) are one number; any other separator splits, so a
# decimal (3.5 / 3,5) is the same two numbers in either language
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3}(?!\d))*")
MAX_LENGTH_RATIO = 1.5  # characters, longer over shorter (XQuAD dev twins <= 1.38)
MIN_NUMBER_DICE = 0.5  # share of the numbers both write (XQuAD dev twins: >= 0.69 in 95 of 100)
MIN_SIM_WITHOUT_NUMBERS = 0.86  # passage similarity asked when neither side writes a number
MIN_EVIDENCE_WITHOUT_NUMBERS = 0.85  # the same, of the similarity moved by the translations' agreement
# (pair_mt.evidence), where the build has them (chosen on Tatoeba lines 1-500 with pair_mt's weights)
# Gale & Church (1993): a translation's length differs from the original's by about
# s * sqrt(mean length) characters; s = 1.56 on XQuAD dev one-paragraph twins + Tatoeba lines 1-500
LENGTH_SLACK_SD = 2.5  # standard deviations allowed (Tatoeba dev twins: 0 of 500 beyond 2.5, 2 beyond 2)
LENGTH_SD = 1.56
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
# 2-99 spelled out; "one"/"un(o/a)" are also articles and pronouns, "once"/"ten" other words in the
# other language, so each language reads only its own list
_UNITS = {
    "en": "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen",
    "es": "dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
    "diecisiete dieciocho diecinueve",
}
_TENS = {
    "en": "twenty thirty forty fifty sixty seventy eighty ninety",
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
}
_ES_TWENTIES = "veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
_EN_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _number_words(lang: str) -> dict[str, int]:
    words = {w: i for i, w in enumerate(_UNITS[lang].split(), start=2)}
    tens = {w: 10 * i for i, w in enumerate(_TENS[lang].split(), start=2)}
    words.update(tens)
    if lang == "en":  # twenty-five
        words.update({f"{t}-{u}": n + k for t, n in tens.items() for k, u in enumerate(_EN_ONES, start=1)})
    else:
        words.update({w: 20 + k for k, w in enumerate(_ES_TWENTIES.split(), start=1)})
    return words


_NUMBER_WORDS = {lang: _number_words(lang) for lang in _UNITS}


def numbers(text: str) -> Counter[str]:
    """The numbers a text writes in digits, separators dropped."""
    return Counter(re.sub(r"\D", "", m) for m in _NUMBER.findall(text))


def spelled_numbers(text: str, lang: str | None) -> Counter[str]:
    """The numbers 2-99 a text in `lang` (en, es) spells out in words."""
    spelled = _NUMBER_WORDS.get(lang or "")
    found: Counter[str] = Counter()
    if not spelled:
        return found
    words = [w.lower() for w in _WORD.findall(text)]
    for i, w in enumerate(words):
        n = spelled.get(w)
        if n is None:
            continue
        if lang == "es" and n % 10 == 0 and n >= 30 and words[i + 1 : i + 2] == ["y"]:
            unit = spelled.get(words[i + 2]) if i + 2 < len(words) else None
            if unit is not None and unit < 10:  # treinta y cinco: 35, its "cinco" not counted again
                n += unit
                words[i + 2] = ""
        found[str(n)] += 1
    return found


def lengths_agree(la: int, lb: int) -> bool:
    """Character lengths within MAX_LENGTH_RATIO, or (short texts) within LENGTH_SLACK_SD of Gale-Church's model."""
    short, long_ = sorted((la, lb))
    if not short:
        return False
    return long_ <= MAX_LENGTH_RATIO * short or long_ - short <= LENGTH_SLACK_SD * LENGTH_SD * ((la + lb) / 2) ** 0.5


def texts_agree(
    a: Sequence[str],
    b: Sequence[str],
    sim: float,
    langs: tuple[str | None, str | None] = (None, None),
    agreement: float | None = None,
) -> bool:
    """Two aligned stretches of text (passage texts, in `langs`) agree as a translation's would, at similarity `sim`.

    `agreement`: how well their machine translations match (indexer.index.pair_mt), when the build has them."""
    ta, tb = " ".join(a), " ".join(b)
    if not lengths_agree(len(ta), len(tb)):
        return False
    na, nb = numbers(ta), numbers(tb)
    total = sum(na.values()) + sum(nb.values())
    if not total:
        if agreement is None:
            return sim >= MIN_SIM_WITHOUT_NUMBERS
        return evidence(sim, agreement) >= MIN_EVIDENCE_WITHOUT_NUMBERS
    # a side that writes no digit may spell its numbers out ("at 2:30" / "a las dos y media"), and those
    # support the other side's digits; where both write digits, words such as "two" ("the two
    # governments") are not read as numbers. A spelled number alone contradicts nothing.
    wa = spelled_numbers(ta, langs[0]) if not na else Counter()
    wb = spelled_numbers(tb, langs[1]) if not nb else Counter()
    found = sum((na & (nb + wb)).values()) + sum((nb & (na + wa)).values())
    return found / total >= MIN_NUMBER_DICE
