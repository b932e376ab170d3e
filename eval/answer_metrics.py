"""Answer-phrase and calibration metrics: SQuAD-style exact match and token F1 (EN and ES normalization),
expected calibration error and the reliability diagram."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

_ARTICLES = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(el|la|los|las|un|una|unos|unas|lo|al|del)\b"),  # as MLQA's Spanish normalization
}
_PUNCT = set(string.punctuation) | set("¿¡«»“”‘’–—…")


def normalize(text: str, lang: str) -> str:
    """Lowercase, drop punctuation and articles, collapse whitespace (the SQuAD v1.1 rule, per language)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    text = _ARTICLES.get(lang, _ARTICLES["en"]).sub(" ", text)
    return " ".join(text.split())


def _contain_tokens(text: str, lang: str) -> list[str]:
    """Tokens for containment: as `normalize`, but punctuation splits words ("U.S.-Mexico" holds "Mexico")."""
    text = "".join(" " if ch in _PUNCT else ch for ch in text.lower())
    return _ARTICLES.get(lang, _ARTICLES["en"]).sub(" ", text).split()


def contains_answer(text: str, gold: str, lang: str) -> bool:
    """The gold answer's tokens appear as a contiguous run of the text's tokens (token-boundary containment:
    "dos" is not in "Estados"); a gold that normalises to nothing (an article alone) falls back to substring."""
    if not gold:
        return False
    want = _contain_tokens(gold, lang)
    if not want:
        return gold in text
    have = _contain_tokens(text, lang)
    n = len(want)
    return any(have[i : i + n] == want for i in range(len(have) - n + 1))


def exact_match(prediction: str, gold: str, lang: str) -> float:
    return float(normalize(prediction, lang) == normalize(gold, lang))


def token_f1(prediction: str, gold: str, lang: str) -> float:
    pred, ref = normalize(prediction, lang).split(), normalize(gold, lang).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def ece(confidence: ArrayLike, correct: ArrayLike, bins: int = 10) -> float:
    """Expected calibration error: |accuracy - mean confidence| per equal-width bin, weighted by bin size."""
    conf, hit = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if conf.size == 0:
        return float("nan")
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = idx == b
        if mask.any():
            total += mask.sum() * abs(hit[mask].mean() - conf[mask].mean())
    return float(total / conf.size)


def ece_interval(
    confidence: ArrayLike, correct: ArrayLike, groups: ArrayLike | None = None, resamples: int = 1000, seed: int = 0
) -> dict[str, float | int]:
    """ECE with a 95% bootstrap interval; resampling whole groups (a question in all its directions) when given."""
    conf, hit = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if conf.size == 0:
        return {"ece": float("nan"), "lo": float("nan"), "hi": float("nan"), "n": 0}
    ids = np.asarray(groups) if groups is not None else np.arange(conf.size)
    names, inverse = np.unique(ids, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(len(names))]
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(resamples):
        pick = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        draws.append(ece(conf[pick], hit[pick]))
    lo, hi = np.percentile(draws, [2.5, 97.5])
    return {"ece": round(ece(conf, hit), 4), "lo": round(float(lo), 4), "hi": round(float(hi), 4), "n": int(conf.size)}


def reliability_diagram(
    series: Mapping[str, tuple[ArrayLike, ArrayLike]], path: Path, title: str, bins: int = 10
) -> None:
    """One line per held-out set: accuracy against mean confidence per bin, with the diagonal."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for name, (confidence, correct) in series.items():
        conf, hit = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
        idx = np.minimum((conf * bins).astype(int), bins - 1)
        xs, ys = [], []
        for b in range(bins):
            mask = idx == b
            if mask.sum() >= 3:
                xs.append(conf[mask].mean())
                ys.append(hit[mask].mean())
        ax.plot(xs, ys, marker="o", label=f"{name} (ECE {ece(conf, hit, bins):.3f}, n={conf.size})")
    ax.set_xlabel("confidence (calibrated probability)")
    ax.set_ylabel("share of quotes that contain the answer")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
