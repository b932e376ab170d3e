"""The untrained rankings: reciprocal rank fusion of the hybrid retrievers (fusion="rrf"), and BM25 mode's
lexical lists (the query's, its translation's, the passages' translations'). Their weights are fixed here."""

from __future__ import annotations

import math
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
# BM25 mode, filtered to the other language: the lists' z-scores (from their weakest item), weighted and added
ACROSS_WEIGHTS: dict[str, float] = {"bm25": 0.3, "translated": 0.3, "doc_mt": 0.2}


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


def minmax(scores: Mapping[int, float]) -> dict[int, float]:
    """Scale to [0, 1]; a single or constant list maps to 1.0 (it carries no spread)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-12:
        return {i: 1.0 for i in scores}
    return {i: (s - lo) / (hi - lo) for i, s in scores.items()}


def zscore(scores: Mapping[int, float]) -> dict[int, float]:
    """(s - min) / std: the z-score moved so the weakest retrieved item is 0; flat or single lists map to 0."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    if std < 1e-12:
        return {i: 0.0 for i in scores}
    lo = min(values)
    return {i: (s - lo) / std for i, s in scores.items()}


def on_scale_of(scores: Mapping[int, float], reference: Mapping[int, float]) -> dict[int, float]:
    """Min-max with the range of another list of the same kind of score, clipped to [0, 1]: a list of a few
    items, however weak, does not map its best to 1.0 (plain min-max when the reference has no spread)."""
    lo, hi = min(reference.values(), default=0.0), max(reference.values(), default=0.0)
    if hi - lo < 1e-12:
        return minmax(scores)
    return {i: min(1.0, max(0.0, (s - lo) / (hi - lo))) for i, s in scores.items()}


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
    """BM25 mode. Without translation evidence, the query's BM25 (other-language matches at CROSS_LANG_BM25).
    Filtered to the other language, ACROSS_WEIGHTS over the lists' z-scores. Unfiltered, each passage's best
    of its min-maxed BM25 and the translation evidence on that list's scale: a passage in the other language
    then scores at most what the same text in the query's language would."""
    cross, known = cross_factors(candidates, passages), _known(candidates)
    if not candidates.translated and not candidates.doc_mt:
        return {r: s * cross.get(r, 1.0) for r, s in candidates.lexical.items()}
    if candidates.filters.doc_lang is not None:
        fused: dict[int, float] = {}
        for scores, w, per_item in (
            (candidates.lexical, ACROSS_WEIGHTS["bm25"], cross),
            (candidates.translated, ACROSS_WEIGHTS["translated"] * known, {}),
            (candidates.doc_mt, ACROSS_WEIGHTS["doc_mt"], {}),
        ):
            for row, s in zscore(scores).items():
                fused[row] = fused.get(row, 0.0) + w * per_item.get(row, 1.0) * s
        return fused
    best = {r: s * cross.get(r, 1.0) for r, s in minmax(candidates.lexical).items()}
    for scores, factor in ((candidates.translated, known), (candidates.doc_mt, 1.0)):
        if not scores or factor <= 0:
            continue
        for row, s in (on_scale_of(scores, candidates.lexical) if candidates.lexical else minmax(scores)).items():
            if factor * s > best.get(row, 0.0):
                best[row] = factor * s
    return best
