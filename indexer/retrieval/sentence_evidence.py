"""Sentence-level dense evidence: each candidate passage's best sentence similarity to the query's vector.

A question is usually answered by one sentence; a passage's vector averages all of its sentences,
so a one-sentence match in a long passage is diluted. The snapshot's sentence table
(indexer.index.sentences, built for answers) already holds a vector per sentence, so this costs
no encoding: one gather and one matrix-vector product over the candidates' sentences."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from indexer.index.sentences import SentenceTable

__all__ = ["best_sentence"]


def best_sentence(table: SentenceTable, qvec: np.ndarray, rows: Iterable[int]) -> dict[int, float]:
    """row -> the highest similarity between the query vector and one of that passage's sentences
    (rows without sentences are left out)."""
    wanted = np.fromiter(sorted(set(rows)), dtype=np.int64)
    if not len(wanted) or not len(table):
        return {}
    owner = table.spans[:, 0]
    lo = np.searchsorted(owner, wanted, side="left")
    hi = np.searchsorted(owner, wanted, side="right")
    counts = hi - lo
    keep = counts > 0
    wanted, lo, counts = wanted[keep], lo[keep], counts[keep]
    if not len(wanted):
        return {}
    # indices of every wanted row's sentences, row after row: lo[i], lo[i]+1, ..., lo[i]+counts[i]-1
    starts = np.cumsum(counts) - counts
    index = np.repeat(lo - starts, counts) + np.arange(int(counts.sum()))
    sims = np.asarray(table.vectors[index], dtype=np.float32) @ np.asarray(qvec, dtype=np.float32)
    best = np.maximum.reduceat(sims, starts)
    return dict(zip(wanted.tolist(), best.astype(float).tolist(), strict=True))
