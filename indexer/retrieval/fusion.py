"""Rank fusion as pure functions: reciprocal rank fusion and weighted normalized scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def weighted(
    scores: Mapping[str, Mapping[int, float]],
    weights: Mapping[str, float],
    item_weights: Mapping[str, Mapping[int, float]] | None = None,
) -> dict[int, float]:
    """sum_r w_r * w_r(d) * minmax(score_r)(d); a retriever that did not return d adds 0."""
    fused: dict[int, float] = {}
    for name, raw in scores.items():
        w = weights.get(name, 0.0)
        per_item = item_weights.get(name, {}) if item_weights else {}
        for item, s in minmax(raw).items():
            fused[item] = fused.get(item, 0.0) + w * per_item.get(item, 1.0) * s
    return fused


def top(fused: Mapping[int, float], k: int) -> list[tuple[int, float]]:
    """Highest first; ties broken by item id so results are deterministic."""
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
