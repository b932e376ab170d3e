"""Sentence features relative to the other candidates (gaps, rarity, neighbours, rank in the passage) and
the question-level confidence features, in the order the learned model (indexer.answers.scoring) reads."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.answers.answer_type import fold
from indexer.answers.scoring import CONFIDENCE_FEATURES, SENTENCE_FEATURES
from indexer.index.analysis import analyze

_WORD = re.compile(r"\w+")
# a sentence that opens with one of these continues the previous one: the answer often sits right after
# the sentence that restates the question ("Today, this is known as the Miasma theory.")
_EN_ANAPHORS = "this that these those it its he she they his her their such there both thus hence which"
_ES_ANAPHORS = "este esta esto estos estas ese esa eso dicho dicha dichos ello ella ellos ellas su sus asi ambos"
_ANAPHORS = frozenset(f"{_EN_ANAPHORS} {_ES_ANAPHORS}".split())


@dataclass
class Raw:
    """A sentence before the features that depend on the other candidates are added."""

    quote: Any  # indexer.answers.answer.Quote (kept untyped here: that module imports this one)
    served: Any
    twin: Any
    index: int  # sentence index within its passage
    f: dict[str, float]
    tokens: frozenset[str]
    terms: set[str]
    start: int  # where this sentence's passage begins in the candidate list
    count: int  # sentences in the passage


@functools.lru_cache(maxsize=50_000)
def tokens(text: str, lang: str) -> frozenset[str]:
    """A sentence's analyzed terms; cached, since the same sentences come back for many questions."""
    return frozenset(analyze(text, lang))


def bigram_share(question: str, sentence: str) -> float:
    qw = _WORD.findall(fold(question))
    pairs = set(itertools.pairwise(qw))
    if not pairs:
        return 0.0
    sw = _WORD.findall(fold(sentence))
    return len(pairs & set(itertools.pairwise(sw))) / len(pairs)


def asked_in(question: str, lang: str, translation: Any) -> str:
    """The question as a passage in `lang` is compared with it: as asked, or its machine translation when the
    passage is in the language the search translated it into (`translation`: the search's, or None)."""
    if translation is not None and translation.target == lang and translation.source != lang and translation.text:
        return str(translation.text)
    return question


def passage_weights(scores: Sequence[float]) -> list[float]:
    """Each hit's ranking score as exp(score - top score): its softmax weight relative to the top hit's.

    The learned ranker is a linear score trained with a listwise softmax, so only differences between
    scores mean anything (they can be negative, and a constant added to all of them changes nothing);
    the top hit gets 1.0 and a hit one unit below it 1/e."""
    if not scores:
        return []
    top = max(scores)
    return [math.exp(s - top) for s in scores]


def opens_with_anaphor(sentence: str) -> float:
    words = _WORD.findall(fold(sentence[:60]))[:3]
    return float(any(w in _ANAPHORS for w in words))


def _rank_inv(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda j: -values[j])
    out = [0.0] * len(values)
    for k, j in enumerate(order):
        out[j] = 1.0 / (k + 1)
    return out


def finish(raw: list[Raw]) -> list[np.ndarray]:
    """Each sentence's feature row (SENTENCE_FEATURES order), with the features relative to the others."""
    if not raw:
        return []
    n = len(raw)
    terms = set().union(*(r.terms for r in raw))
    # a question term found in few candidate sentences tells them apart; one found in all tells nothing
    idf = {t: math.log((n + 1) / (sum(t in r.tokens for r in raw) + 0.5)) for t in terms}
    for r in raw:
        # fsum: exactly rounded whatever the set's iteration order (which changes with the string hash seed
        # from one process to the next); a plain sum differed in the last bit between runs, which reordered
        # tied ranks and made two identical trainings choose different thresholds
        total = math.fsum(idf[t] for t in r.terms) or 1.0
        r.f["idf_overlap"] = math.fsum(idf[t] for t in r.terms if t in r.tokens) / total
        rarest = max(r.terms, key=lambda t: (idf[t], t), default=None)
        r.f["rarest_hit"] = float(rarest is not None and rarest in r.tokens)
        r.f["novel"] = len(r.tokens - r.terms) / max(len(r.tokens), 1)
    best = {name: max(r.f[name] for r in raw) for name in ("cos", "overlap", "idf_overlap", "bigrams")}
    least = {name: min(r.f[name] for r in raw) for name in ("figure_miss", "name_miss")}
    everywhere = frozenset().union(*(r.tokens for r in raw))
    in_passage = {s: frozenset().union(*(r.tokens for r in raw if r.start == s)) for s in {r.start for r in raw}}
    cos_rank = _rank_inv([r.f["cos"] for r in raw])
    # rank inside the passage: most errors pick the wrong sentence of the right passage
    for s in sorted({r.start for r in raw}):
        block = [j for j in range(s, n) if raw[j].start == s]
        for name in ("cos", "idf_overlap"):
            for j, v in zip(block, _rank_inv([raw[j].f[name] for j in block]), strict=True):
                raw[j].f[f"{name}_rank_in_passage"] = v
    out = []
    for j, r in enumerate(raw):
        f = r.f
        for name, top in best.items():
            f[f"{name}_gap"] = f[name] - top
        f["cos_rank_inv"] = cos_rank[j]
        f["min_figure_miss"], f["min_name_miss"] = least["figure_miss"], least["name_miss"]
        f["passage_overlap"] = len(r.terms & in_passage[r.start]) / len(r.terms) if r.terms else 0.0
        f["all_overlap"] = len(r.terms & everywhere) / len(r.terms) if r.terms else 0.0
        prev = raw[j - 1] if r.index > 0 else None
        nxt = raw[j + 1] if r.index + 1 < r.count else None
        for side, other in (("prev", prev), ("next", nxt)):
            for name in ("cos", "idf_overlap", "type_match"):
                f[f"{side}_{name}"] = other.f[name] if other else 0.0
        f["cos_x_type"] = f["cos"] * f["type_match"]
        f["idf_x_type"] = f["idf_overlap"] * f["type_match"]
        f["anaphor_x_prev_idf"] = f["anaphor"] * f["prev_idf_overlap"]
        out.append(np.array([f[name] for name in SENTENCE_FEATURES]))
    return out


NEAR_COPY = 0.9  # share of two sentences' distinct words in common at which one is a copy of the other (not tuned)


def near_copies(texts: Sequence[str], share: float = NEAR_COPY) -> list[bool]:
    """For sentences in score order, best first: whether each repeats a better one nearly word for word (fact
    sheets and communiqués repeat each other's sentences); a copy is not the best sentence's rival."""
    kept: list[frozenset[str]] = []
    out = []
    for text in texts:
        words = frozenset(_WORD.findall(fold(text)))
        copy = bool(words) and any(len(words & k) >= share * len(words | k) for k in kept)
        out.append(copy)
        if not copy:
            kept.append(words)
    return out


def join_partner(logits: Sequence[float], passages: Sequence[str], indices: Sequence[int], margin: float) -> int | None:
    """The neighbour (same passage, next or previous sentence) of the best-scored sentence that scores
    within `margin` of it, if any: when the scorer cannot tell two adjacent sentences apart, the quote is
    both (the answer often sits in the sentence after the one that restates the question)."""
    if not len(logits):
        return None
    top = max(range(len(logits)), key=lambda j: logits[j])
    near = [j for j in range(len(logits)) if passages[j] == passages[top] and abs(indices[j] - indices[top]) == 1]
    best = max(near, key=lambda j: logits[j], default=None)
    return best if best is not None and logits[best] >= logits[top] - margin else None


def softmax_shares(logits: Sequence[float], top: int, partner: int | None) -> tuple[float, float]:
    """The softmax share of the best sentence among all candidates, and of the best plus its partner."""
    z = np.exp(np.asarray(logits, dtype=np.float64) - max(logits))
    total = float(z.sum())
    return float(z[top]) / total, float(z[top] + (z[partner] if partner is not None else 0.0)) / total


def confidence_vector(
    features: np.ndarray,
    logits: list[float],
    question: bool,
    joined: bool = False,
    shares: tuple[float, float] = (1, 1),
) -> np.ndarray:
    """Question-level features (CONFIDENCE_FEATURES order) from the feature rows and logits of the best
    (and second best) sentence, whether the quote joins the best sentence's neighbour, and the softmax
    shares of all candidates' logits that the best sentence, and the quote, hold."""
    second = logits[1] if len(logits) > 1 else logits[0] - 5.0
    f = dict(zip(SENTENCE_FEATURES, features[0], strict=True))
    values = {
        "top_logit": logits[0],
        "logit_gap": logits[0] - second,
        "top_cos": f["cos"],
        "top_overlap": f["overlap"],
        "is_question": float(question),
        "factoid_found": f["type_match"],
        "top_passage_cos": f["passage_cos"],
        "joined": float(joined),
        "top_share": shares[0],
        "quote_share": shares[1],
        # near misses (the right topic, not the fact asked for) match the question as well as answers do;
        # what they lack is the asked type, or the question's rarest term
        "top_type_miss": f["type_miss"],
        "top_idf_overlap": f["idf_overlap"],
        "top_rarest_hit": f["rarest_hit"],
        # a qualifier of the question ("in fiscal year 2001", "in Arizona") that the quote does not say
        "top_figure_miss": f["figure_miss"],
        "top_name_miss": f["name_miss"],
        "top_passage_figure_miss": f["passage_figure_miss"],
        "top_passage_name_miss": f["passage_name_miss"],
        "min_figure_miss": f["min_figure_miss"],
        "min_name_miss": f["min_name_miss"],
        "has_constraints": f["has_constraints"],
        "top_money_miss": f["money_miss"],
        "top_passage_overlap": f["passage_overlap"],
        "all_overlap": f["all_overlap"],
    }
    return np.array([values[name] for name in CONFIDENCE_FEATURES])
