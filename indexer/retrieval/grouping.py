"""One hit per document (`group=document`): each document's best passage, with the others it had."""

from __future__ import annotations

from collections.abc import Callable, Sequence

GROUPS: tuple[str, ...] = ("none", "document")
GROUP_DEPTH = 5  # passages ranked per requested document: enough to fill k documents and count the rest


def group_by_document(
    ranked: Sequence[tuple[int, float]], doc_of: Callable[[int], str], k: int
) -> tuple[list[tuple[int, float]], dict[int, list[int]]]:
    """The first (best) passage of each of the first `k` documents in `ranked`, and for each of
    those the other ranked passages of its document, best first (field collapsing)."""
    best: list[tuple[int, float]] = []
    lead: dict[str, int] = {}
    others: dict[int, list[int]] = {}
    for row, score in ranked:
        doc = doc_of(row)
        if doc in lead:
            others[lead[doc]].append(row)
        elif len(best) < k:
            lead[doc] = row
            others[row] = []
            best.append((row, score))
    return best, others
