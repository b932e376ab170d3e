"""Whether two short texts read as each other's translation, judged by each one's machine translation.

An encoder places "I'll see you at 2:30." and "We'll see you at 2:30." almost on one point; their
words do not. As Bleualign (Sennrich & Volk, 2010) aligns sentences by scoring the machine
translation of one side against the other, a short document's Apertium translation (the build's
indexer.index.doc_mt) is compared with the other document's text, both ways, by character
n-gram F-score (chrF, Popović 2015: robust to inflection, which a rule-based translator often
gets wrong). Used by indexer.index.pairing on sentence-sized documents (MAX_CHARS)."""

from __future__ import annotations

from collections import Counter

CHRF_ORDER = 6  # character n-grams 1..6, and recall weighted twice precision (beta 2): chrF's defaults
CHRF_BETA = 2.0
AGREEMENT_WEIGHT = 0.2  # similarity points per unit of agreement (chosen on Tatoeba lines 1-500, eval.pairing)
AGREEMENT_CENTER = 0.3  # agreement that neither helps nor hurts
MAX_CHARS = 150  # longer texts are judged without it: chrF between two same-subject paragraphs grows with
# their length (an XQuAD paragraph and its neighbour's translation: 0.45, a sentence pair's centre 0.3);
# every XQuAD paragraph is longer (>= 158), 99% of Tatoeba lines shorter (<= 100)


def _ngrams(text: str, n: int) -> Counter[str]:
    text = " ".join(text.lower().split())
    return Counter(text[i : i + n] for i in range(len(text) - n + 1))


def chrf(hypothesis: str, reference: str, order: int = CHRF_ORDER, beta: float = CHRF_BETA) -> float:
    """chrF of `hypothesis` against `reference`, in [0, 1] (case and runs of spaces ignored)."""
    precisions, recalls = [], []
    for n in range(1, order + 1):
        hyp, ref = _ngrams(hypothesis, n), _ngrams(reference, n)
        if not hyp or not ref:
            break
        matched = sum((hyp & ref).values())
        precisions.append(matched / sum(hyp.values()))
        recalls.append(matched / sum(ref.values()))
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 0.0 if p + r == 0 else (1 + beta**2) * p * r / (beta**2 * p + r)


def agreement(a: str, a_translated: str, b: str, b_translated: str) -> float | None:
    """How well each text's machine translation matches the other text: the mean of both chrF scores
    (None for texts over MAX_CHARS, whose agreement is not comparable)."""
    if max(len(a), len(b)) > MAX_CHARS:
        return None
    return (chrf(a_translated, b) + chrf(b_translated, a)) / 2


def evidence(sim: float, agreement_: float | None) -> float:
    """A pair's similarity moved by its translations' agreement (unchanged without translations)."""
    return sim if agreement_ is None else sim + AGREEMENT_WEIGHT * (agreement_ - AGREEMENT_CENTER)
