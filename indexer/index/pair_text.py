"""Whether two aligned passages read as translations: their lengths and the numbers they write agree.

Embedding similarity says two passages are on one subject; a neighbouring paragraph of the
same article (or a communiqué of the same meeting) reaches 0.80-0.88 against a translation's
0.87-0.95. A translation also keeps the text's numbers (years, amounts, counts) and its length
within a narrow band, which a same-subject neighbour rarely does (eval.pairing_short, XQuAD dev
articles 0-23: one-paragraph twins' length ratio 1.00-1.38 and number Dice 1.0 at the median,
wrong candidates 0.3-4.3 and 0.0)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# thousands separators (1,000 / 1.000 / 1 000) are one number; any other separator splits, so a
# decimal (3.5 / 3,5) is the same two numbers in either language
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3}(?!\d))*")
MAX_LENGTH_RATIO = 1.5  # characters, longer over shorter (XQuAD dev twins <= 1.38)
MIN_NUMBER_DICE = 0.5  # share of the numbers both write (XQuAD dev twins: >= 0.69 in 95 of 100)
MIN_SIM_WITHOUT_NUMBERS = 0.86  # passage similarity asked when neither side writes a number


def numbers(text: str) -> Counter[str]:
    """The numbers a text writes, separators dropped."""
    return Counter(re.sub(r"\D", "", m) for m in _NUMBER.findall(text))


def texts_agree(a: Sequence[str], b: Sequence[str], sim: float) -> bool:
    """Two aligned stretches of text (passage texts) agree as a translation's would, at similarity `sim`."""
    ta, tb = " ".join(a), " ".join(b)
    short, long_ = sorted((len(ta), len(tb)))
    if not short or long_ > MAX_LENGTH_RATIO * short:
        return False
    na, nb = numbers(ta), numbers(tb)
    total = sum(na.values()) + sum(nb.values())
    if not total:
        return sim >= MIN_SIM_WITHOUT_NUMBERS
    return 2 * sum((na & nb).values()) / total >= MIN_NUMBER_DICE
