"""Who, which and where questions: the sentence that names a person, program or place beats a near-tie that
names none (the one that only dates the meeting, or restates the question)."""

from __future__ import annotations

import numpy as np

NAMING = ("person", "place", "instrument")  # the answer types that a name answers
TYPE_MARGIN = 1.0  # logits: how close the naming sentence must score to the best one (not tuned)


def swap_to_best(logits: np.ndarray, wanted: np.ndarray, margin: float) -> np.ndarray:
    """The logits with the best sentence's value given to the best `wanted` sentence, when the best is not wanted
    and that one scores within `margin` (the two swap values: the distribution of scores, and so the confidence's
    evidence, stays the same)."""
    if not len(logits):
        return logits
    top = int(np.argmax(logits))
    if wanted[top]:
        return logits
    near = [j for j in np.argsort(-logits, kind="stable") if wanted[j] and logits[j] >= logits[top] - margin]
    if not near:
        return logits
    out = np.array(logits, dtype=np.float64)
    j = int(near[0])
    out[top], out[j] = out[j], out[top]
    return out


def prefer_typed(logits: np.ndarray, typed: np.ndarray, kind: str) -> np.ndarray:
    """For a naming question, the best sentence that holds a phrase of the asked type takes the place of a best
    one that holds none, when it scores within TYPE_MARGIN."""
    return swap_to_best(logits, typed, TYPE_MARGIN) if kind in NAMING else logits


__all__ = ["NAMING", "TYPE_MARGIN", "prefer_typed", "swap_to_best"]
