"""Aligned twins in search: evidence lent across a translation pair, and each pair shown once."""

from __future__ import annotations

from typing import Any

from indexer.index.backends import LexicalBackend
from indexer.index.passage_table import PassageTable
from indexer.index.snapshot import IndexSnapshot

TWIN_DISCOUNT = 0.999  # evidence lent by a twin ranks just below the same evidence found directly
# the factor of a dense score a twin lends in a search filtered to the other language: a same-language
# cosine competing with the other passages' cross-language ones, which run lower for the same relation
LENT_DENSE_ACROSS = 0.98
TOP_DEPTH = 10  # the unfiltered hits looked through for the query language's best passage (lending_top)


def with_twin_docs(snapshot: IndexSnapshot, doc_ids: list[str]) -> set[str]:
    """The documents and their translations."""
    out = set(doc_ids)
    for doc_id in doc_ids:
        out |= snapshot.doc_twins.get(doc_id, set())
    return out


def propagate(
    snapshot: IndexSnapshot,
    scores: dict[int, float],
    allowed: set[str] | None,
    hidden: set[str] | None = None,
    discount: float = TWIN_DISCOUNT,
) -> tuple[dict[int, float], dict[int, int]]:
    """A passage scores at least as well as its aligned twin (times `discount`); then keep allowed,
    visible documents only.

    Returns the scores and, for scores lent by a twin, which row lent them.
    """
    twins = snapshot.twins
    out = dict(scores)
    lent_by: dict[int, int] = {}
    for row, score in scores.items():
        lent = score * discount if score > 0 else score / discount
        for twin in twins.get(row, ()):
            if lent > out.get(twin, float("-inf")):
                out[twin] = lent
                lent_by[twin] = row
    passages = snapshot.passages
    if allowed is not None:
        out = {r: s for r, s in out.items() if passages.doc_id(r) in allowed}
    if hidden:
        out = {r: s for r, s in out.items() if passages.doc_id(r) not in hidden}
    return out, lent_by


def collapse_twins(
    snapshot: IndexSnapshot, ranked: list[tuple[int, float]], lang: str, limit: int | None = None
) -> list[tuple[int, float]]:
    """Unfiltered results show each aligned pair once, in the asker's language when possible.

    Stops after `limit` results: the rest of the candidates would be cut anyway."""
    twins = snapshot.twins
    passages = snapshot.passages
    candidates = dict(ranked)
    seen: set[int] = set()
    out = []
    for row, score in ranked:
        if row in seen:
            continue
        # a twin already shown is not shown again: one paragraph may be aligned to two in the other language
        group = [row, *(t for t in twins.get(row, ()) if t in candidates and t not in seen)]
        seen.update(group)
        pick = row if len(group) == 1 else next((r for r in group if passages.lang(r) == lang), row)
        out.append((pick, score))
        if limit is not None and len(out) >= limit:
            break
    return out


def lending_top(lexical: LexicalBackend, query: Any, passages: PassageTable, lang: str) -> float:
    """The best BM25 score of a passage in `lang` (the query's) over the whole index, as a search within
    documents scores it; 0.0 without one. In a search filtered to the other language a twin's lent score is
    measured against it (the `bm25_lending` feature), so the translation of a weak match does not count as the
    best there is when the best has no twin. A filter's clause adds to every score, so that passage is scored
    again within its own document: the two lists share one scale."""
    for row, _score in lexical.run(query, TOP_DEPTH):
        if passages.lang(row) == lang:
            again = lexical.run(query, TOP_DEPTH, [passages.doc_id(row)])
            return next((s for r, s in again if r == row), 0.0)
    return 0.0
