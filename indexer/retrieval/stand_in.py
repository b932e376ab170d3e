"""Unfiltered search: translation evidence stands in for the query language's own evidence, never adds to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["COMBINES", "Channel", "channel", "combine"]

# FusionConfig.mixed_combine: how translation evidence joins the original evidence outside a truly
# cross-language search. "max": per passage and kind (lexical, dense), the best of the original score and
# each translation's (each on the original list's scale, times its factor), so at factors up to 1 a passage
# in the other language scores at most what the same text in the query's language would. "sum": each list weighted
# and added, where a communiqué present in both languages gathers the evidence of both and
# outranks one present in a single language (the dated questions).
COMBINES: tuple[str, ...] = ("max", "sum")

# one kind of evidence: the original's normalized scores, and (normalized scores, factor) per stand-in
Channel = tuple[Mapping[int, float], Sequence[tuple[Mapping[int, float], float]]]


def channel(original: Mapping[int, float], stand_ins: Sequence[tuple[Mapping[int, float], float]]) -> dict[int, float]:
    """max(original(d), factor * stand_in(d) for each stand-in), over already normalized scores."""
    out = dict(original)
    for scores, factor in stand_ins:
        if factor <= 0:
            continue
        for row, s in scores.items():
            value = factor * s
            if value > out.get(row, 0.0):
                out[row] = value
    return out


def combine(lexical: Channel, dense: Channel | None, weights: tuple[float, float]) -> dict[int, float]:
    """weights[0] * lexical channel + weights[1] * dense channel (BM25 mode: no dense channel)."""
    fused: dict[int, float] = {}
    parts = [(channel(*lexical), weights[0])]
    if dense is not None:
        parts.append((channel(*dense), weights[1]))
    for scores, w in parts:
        for row, s in scores.items():
            fused[row] = fused.get(row, 0.0) + w * s
    return fused
