"""Who, which and where questions: the sentence that names a person, program or place beats a near-tie that
names none (the one that only dates the meeting, or restates the question)."""

from __future__ import annotations

import numpy as np

NAMING = ("person", "place", "instrument")  # the answer types that a name answers
TYPE_MARGIN = 1.0  # logits: how close the naming sentence must score to the best one (not tuned)


def prefer_typed(logits: np.ndarray, typed: np.ndarray, kind: str) -> np.ndarray:
    """The logits with the best sentence's value given to the best sentence that holds a phrase of the asked
    type, when the best holds none and that one scores within TYPE_MARGIN (the two swap values: the
    distribution of scores, and so the confidence's evidence, stays the same)."""
    if kind not in NAMING or not len(logits):
        return logits
    top = int(np.argmax(logits))
    if typed[top]:
        return logits
    near = [j for j in np.argsort(-logits, kind="stable") if typed[j] and logits[j] >= logits[top] - TYPE_MARGIN]
    if not near:
        return logits
    out = np.array(logits, dtype=np.float64)
    j = int(near[0])
    out[top], out[j] = out[j], out[top]
    return out


__all__ = ["NAMING", "TYPE_MARGIN", "prefer_typed"]
