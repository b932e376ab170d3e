"""Rank fusion as pure functions: reciprocal rank fusion and weighted normalized scores.

Normalizations (`NORMALIZATIONS`) map one retriever's raw scores to [0, ...) before weighting;
an item a retriever did not return adds 0, so each maps its weakest retrieved item near 0:
- `minmax`: (s - min) / (max - min); a single or flat list maps to 1.0 (full weight);
- `floor`: (s - floor) / (max - floor) against a fixed floor per retriever, so a lone or flat
  list keeps the size of its scores instead of being stretched to full weight;
- `zscore`: (s - min) / std, i.e. the z-score shifted to start at 0; a lone or flat list adds 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

RRF_K = 60


def rrf(
    rankings: Mapping[str, Sequence[int]],
    weights: Mapping[str, float] | None = None,
    k: int = RRF_K,
    item_weights: Mapping[str, Mapping[int, float]] | None = None,
) -> dict[int, float]:
    """score(d) = sum over retrievers r of w_r * w_r(d) / (k + rank_r(d)), ranks from 1."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = 1.0 if weights is None else weights.get(name, 1.0)
        per_item = item_weights.get(name, {}) if item_weights else {}
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + w * per_item.get(item, 1.0) / (k + rank)
    return fused


def minmax(scores: Mapping[int, float]) -> dict[int, float]:
    """Scale to [0, 1]; a single or constant list maps to 1.0 (it carries no spread)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-12:
        return {i: 1.0 for i in scores}
    return {i: (s - lo) / (hi - lo) for i, s in scores.items()}


def minmax_floor(scores: Mapping[int, float], floor: float = 0.0) -> dict[int, float]:
    """(s - floor) / (max - floor), clipped at 0: the list's own minimum does not set the scale.

    With max <= floor nothing stands above the floor: every item maps to 0."""
    if not scores:
        return {}
    hi = max(scores.values())
    if hi - floor < 1e-12:
        return {i: 0.0 for i in scores}
    return {i: max(0.0, (s - floor) / (hi - floor)) for i, s in scores.items()}


def zscore(scores: Mapping[int, float]) -> dict[int, float]:
    """(s - min) / std: the z-score moved so the weakest retrieved item is 0; flat or single lists map to 0."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if std < 1e-12:
        return {i: 0.0 for i in scores}
    lo = min(values)
    return {i: (s - lo) / std for i, s in scores.items()}


Normalize = Callable[[Mapping[int, float]], dict[int, float]]
NORMALIZATIONS: tuple[str, ...] = ("minmax", "floor", "zscore")


def normalizer(name: str, floor: float = 0.0) -> Normalize:
    """The normalization called `name` (one of NORMALIZATIONS); `floor` is used by "floor" only."""
    if name == "minmax":
        return minmax
    if name == "floor":
        return lambda scores: minmax_floor(scores, floor)
    if name == "zscore":
        return zscore
    raise ValueError(f"unknown normalization {name!r}: use one of {', '.join(NORMALIZATIONS)}")


def weighted(
    scores: Mapping[str, Mapping[int, float]],
    weights: Mapping[str, float],
    item_weights: Mapping[str, Mapping[int, float]] | None = None,
    normalize: Mapping[str, Normalize] | None = None,
) -> dict[int, float]:
    """sum_r w_r * w_r(d) * norm_r(score_r)(d) (min-max unless `normalize` names another per
    retriever); a retriever that did not return d adds 0."""
    fused: dict[int, float] = {}
    for name, raw in scores.items():
        w = weights.get(name, 0.0)
        per_item = item_weights.get(name, {}) if item_weights else {}
        norm = normalize.get(name, minmax) if normalize else minmax
        for item, s in norm(raw).items():
            fused[item] = fused.get(item, 0.0) + w * per_item.get(item, 1.0) * s
    return fused


def minmax_up_to(top: float) -> Normalize:
    """Min-max whose top is at least `top` (a score the list's best is measured against)."""

    def norm(scores: Mapping[int, float]) -> dict[int, float]:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(max(scores.values()), top)
        if hi - lo < 1e-12:
            return minmax(scores)
        return {i: (s - lo) / (hi - lo) for i, s in scores.items()}

    return norm


def on_scale_of(reference: Mapping[int, float]) -> Normalize:
    """Min-max with the range of another list of the same kind of score (cosines to the same query):
    a list of a few items, however weak, no longer maps its best to 1.0. Clipped to [0, 1]."""
    lo = min(reference.values(), default=0.0)
    hi = max(reference.values(), default=0.0)

    def norm(scores: Mapping[int, float]) -> dict[int, float]:
        if hi - lo < 1e-12:
            return minmax(scores)
        return {i: min(1.0, max(0.0, (s - lo) / (hi - lo))) for i, s in scores.items()}

    return norm


def top(fused: Mapping[int, float], k: int) -> list[tuple[int, float]]:
    """Highest first; ties broken by item id so results are deterministic."""
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
