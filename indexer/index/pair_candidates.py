"""Which documents of the other language are worth aligning with a document, before any alignment.

A document's candidates are the other-language documents of its date (and meeting, when both know
theirs), when there are few, and its NEAREST others by mean passage vector that no date or meeting
rules out. With BOTH_SIDES nearness is also asked from the other side: a Spanish sentence whose
English twin has closer paraphrases ("They don't despise you." has seven Spanish sentences nearer
than "No os desprecian.") can still be among its twin's own nearest from the Spanish side."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.types import Document

NEAREST = 3  # candidates by similarity of mean passage vectors, from each side
MIN_DOC_SIM = 0.8  # mean-vector similarity under which two documents are not candidates (XQuAD twins: >= 0.92)
SAME_DATE_POOL = 8  # same-date documents all tried when there are at most this many
BOTH_SIDES = False  # also each right document's nearest left ones: measured and left off (Tatoeba lines
# 1-500, eval.pairing: +3 twins found, but one more wrong link where half the twins are missing)
CHUNK = 1024  # rows of the similarity matrix held at once


def candidate_pairs(
    left: Sequence[Document],
    right: Sequence[Document],
    left_vectors: Sequence[np.ndarray],
    right_vectors: Sequence[np.ndarray],
) -> set[tuple[int, int]]:
    """(i, j) pairs of left[i] and right[j] to align; `*_vectors`: each document's passage vectors."""
    left_means = np.stack([_unit(v.mean(0)) for v in left_vectors])
    right_means = np.stack([_unit(v.mean(0)) for v in right_vectors])
    pairs = _one_side(left, right, left_means, right_means)
    if BOTH_SIDES:
        pairs |= {(i, j) for j, i in _one_side(right, left, right_means, left_means)}
    return pairs


def _one_side(
    docs: Sequence[Document], others: Sequence[Document], means: np.ndarray, other_means: np.ndarray
) -> set[tuple[int, int]]:
    by_date: dict[str, list[int]] = {}
    for j, d in enumerate(others):
        if d.date:
            by_date.setdefault(d.date, []).append(j)
    out: set[tuple[int, int]] = set()
    for start in range(0, len(docs), CHUNK):
        sims = means[start : start + CHUNK] @ other_means.T
        for i, d in enumerate(docs[start : start + CHUNK]):
            same_day = [j for j in by_date.get(d.date or "", []) if same_meeting(d, others[j])]
            if len(same_day) <= SAME_DATE_POOL:
                out.update((start + i, j) for j in same_day)
            picked = 0
            for j in np.argsort(-sims[i])[: NEAREST * 8]:
                other = others[int(j)]
                if picked == NEAREST or sims[i, j] < MIN_DOC_SIM:
                    break
                if d.date and other.date and d.date != other.date:
                    continue  # two dates that differ: not the same communiqué
                if same_meeting(d, other):
                    out.add((start + i, int(j)))
                    picked += 1
    return out


def same_meeting(a: Document, b: Document) -> bool:
    """Neither names its meeting, or both name the same one."""
    ma, mb = a.meta.get("meeting_number"), b.meta.get("meeting_number")
    return not ma or not mb or ma == mb


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v
