"""Align the passages of a document with those of its translation (order + embedding similarity)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.types import Document, Passage

# A bead earns its similarity minus ALIGN_BASE; a passage left unaligned earns nothing. e5
# similarities of unrelated paragraphs on the same subject reach 0.75-0.8 (XQuAD articles:
# median best wrong paragraph 0.815), of translations 0.9, so below ALIGN_BASE leaving both
# unpaired beats pairing them: a partial or truncated translation keeps its extra paragraphs
# unpaired instead of lending them an unrelated twin.
ALIGN_BASE = 0.8
MERGE_COST = (
    0.05  # a 1-2 or 2-1 bead (tried only when the two together beat either alone) earns twice its gain less this
)
MIN_SIM = 0.6  # a member of a kept bead must still resemble its twin this much


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def align_pair(a: np.ndarray, b: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Monotonic alignment of two passage sequences: 1-1, 1-2, 2-1 beads or skips.

    Dynamic programming over (i, j) prefixes maximizing the summed gain (similarity minus
    ALIGN_BASE) of the beads; returns beads as (indices in a, indices in b). Passages in no
    bead have no twin.
    """
    n, m = len(a), len(b)
    # every similarity the recursion reads, computed up front as matrices (python floats in
    # lists: the loop below indexes them n*m times)
    sim = (a @ b.T).tolist() if n and m else []
    # a[i] against b[j-1] + b[j] merged (1-2 beads), and a[i-1] + a[i] against b[j] (2-1 beads)
    b_pair = np.linalg.norm(b[:-1] + b[1:], axis=1) if m > 1 else np.zeros(0)
    a_pair = np.linalg.norm(a[:-1] + a[1:], axis=1) if n > 1 else np.zeros(0)
    s = np.asarray(sim) if sim else np.zeros((n, m))
    with np.errstate(divide="ignore", invalid="ignore"):
        to_b_pair = ((s[:, :-1] + s[:, 1:]) / np.where(b_pair > 0, b_pair, 1)).tolist() if m > 1 else []
        a_pair_to = ((s[:-1, :] + s[1:, :]) / np.where(a_pair > 0, a_pair, 1)[:, None]).tolist() if n > 1 else []
    best = [[-np.inf] * (m + 1) for _ in range(n + 1)]
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    neg = -np.inf
    for i in range(n + 1):
        row, up = best[i], best[i - 1] if i else None
        for j in range(m + 1):
            if i == j == 0:
                continue
            # the first best option in this order wins a tie: 1-1, 1-2, 2-1, skip a, skip b
            score, step = neg, (0, 0)
            if up is not None and j:
                score, step = up[j - 1] + sim[i - 1][j - 1] - ALIGN_BASE, (1, 1)
            if up is not None and j > 1:
                merged = to_b_pair[i - 1][j - 2]
                if merged > sim[i - 1][j - 2] and merged > sim[i - 1][j - 1]:
                    option = up[j - 2] + 2 * (merged - ALIGN_BASE) - MERGE_COST
                    if option > score:
                        score, step = option, (1, 2)
            if i > 1 and j:
                merged = a_pair_to[i - 2][j - 1]
                if merged > sim[i - 2][j - 1] and merged > sim[i - 1][j - 1]:
                    option = best[i - 2][j - 1] + 2 * (merged - ALIGN_BASE) - MERGE_COST
                    if option > score:
                        score, step = option, (2, 1)
            if up is not None and (up[j] > score or step == (0, 0)):
                score, step = up[j], (1, 0)
            if j and (row[j - 1] > score or step == (0, 0)):
                score, step = row[j - 1], (0, 1)
            row[j] = score
            back[(i, j)] = step
    beads: list[tuple[list[int], list[int]]] = []
    i, j = n, m
    while i or j:
        di, dj = back[(i, j)]
        if di and dj:
            beads.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]


def translation_pairs(
    documents: Sequence[Document], passages: Sequence[Passage], vectors: np.ndarray
) -> list[tuple[int, int, float]]:
    """(row, row, similarity) for aligned passages of every document linked by translation_of."""
    rows_by_doc: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        rows_by_doc.setdefault(p.doc_id, []).append(row)
    pairs: list[tuple[int, int, float]] = []
    for doc in documents:
        if not doc.translation_of or doc.translation_of not in rows_by_doc or doc.doc_id not in rows_by_doc:
            continue
        ra, rb = rows_by_doc[doc.doc_id], rows_by_doc[doc.translation_of]
        for ia, ib in align_pair(vectors[ra], vectors[rb]):
            for x in ia:
                for y in ib:
                    sim = float(vectors[ra[x]] @ vectors[rb[y]])
                    if sim >= MIN_SIM:
                        pairs.append((ra[x], rb[y], round(sim, 4)))
    return pairs


def twin_map(pairs: Sequence[tuple[int, int, float]]) -> dict[int, list[int]]:
    """Both directions: row -> aligned rows in the other language, most similar first."""
    out: dict[int, list[tuple[float, int]]] = {}
    for a, b, sim in pairs:
        out.setdefault(a, []).append((sim, b))
        out.setdefault(b, []).append((sim, a))
    return {row: [r for _, r in sorted(v, reverse=True)] for row, v in out.items()}
