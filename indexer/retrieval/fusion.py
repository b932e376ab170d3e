"""The untrained rankings: reciprocal rank fusion of the hybrid retrievers (fusion="rrf"), and BM25 mode's
lexical lists (the query's, its translation's, the passages' translations'). Their weights are fixed here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.index.passage_table import PassageTable
    from indexer.retrieval.stages import Candidates

# lexical evidence on a passage in the other language (names, numbers, cognates) counts this much
CROSS_LANG_BM25 = 0.3
# RRF's weight per retriever; the translated query's is also times the share of its words the translator knew.
# The vectors of the passages' translations are not fused: RRF weighs them 0.
RRF_WEIGHTS: dict[str, float] = {"bm25": 0.5, "dense": 1.0, "translated": 0.25, "doc_mt": 0.25}


def rrf(
    rankings: Mapping[str, Sequence[int]],
    weights: Mapping[str, float],
    k: int,
    item_weights: Mapping[str, Mapping[int, float]],
) -> dict[int, float]:
    """score(d) = sum over retrievers r of w_r * w_r(d) / (k + rank_r(d)), ranks from 1 (w_r(d): 1 if not given)."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w, per_item = weights[name], item_weights.get(name, {})
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + w * per_item.get(item, 1.0) / (k + rank)
    return fused


def top(fused: Mapping[int, float], k: int) -> list[tuple[int, float]]:
    """Highest first; ties broken by item id so results are deterministic."""
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def _known(candidates: Candidates) -> float:
    """The share of the translated query's words the translator knew (0 without a translation)."""
    return candidates.translation.known if candidates.translation is not None else 0.0


def cross_factors(candidates: Candidates, passages: PassageTable) -> dict[int, float]:
    """CROSS_LANG_BM25 for the query's BM25 on a passage in the other language, or lent to one in the query's
    by its twin (in the other); none when the query's language is uncertain (it was analyzed as both)."""
    if len(candidates.lang.analyze_with) != 1:
        return {}
    qlang, lent = candidates.lang.lang, candidates.lent
    return {r: CROSS_LANG_BM25 for r in candidates.lexical if (passages.lang(r) != qlang) != (r in lent)}


def rrf_hybrid(candidates: Candidates, k: int, passages: PassageTable) -> dict[int, float]:
    """Reciprocal rank fusion of the query's BM25 (other-language matches at CROSS_LANG_BM25), the dense
    retrieval, the translated query's BM25 and the query's BM25 over the passages' translations."""
    lists = {
        "bm25": candidates.lexical,
        "dense": candidates.dense,
        "translated": candidates.translated,
        "doc_mt": candidates.doc_mt,
    }
    rankings = {name: [r for r, _ in top(scores, len(scores))] for name, scores in lists.items() if scores}
    weights = {**RRF_WEIGHTS, "translated": RRF_WEIGHTS["translated"] * _known(candidates)}
    return rrf(rankings, weights, k, {"bm25": cross_factors(candidates, passages)})


def lexical(candidates: Candidates, passages: PassageTable) -> dict[int, float]:
    """BM25 mode, on raw scores (queries of about the same words: no list is stretched to another's scale): the
    query's BM25 (other-language matches at CROSS_LANG_BM25), the translated query's (times the share of its words
    the translator knew) and the query's over the passage's translation. Filtered to the other language they are
    added, so the two translations agreeing counts; unfiltered a passage gets the best of them, so a passage in the
    other language does not gather two translations' evidence against one in the query's language."""
    cross = cross_factors(candidates, passages)
    out = {r: s * cross.get(r, 1.0) for r, s in candidates.lexical.items()}
    add = candidates.filters.doc_lang is not None
    for scores, factor in ((candidates.translated, _known(candidates)), (candidates.doc_mt, 1.0)):
        for row, s in scores.items():
            if add:
                out[row] = out.get(row, 0.0) + factor * s
            elif factor * s > out.get(row, 0.0):
                out[row] = factor * s
    return out
