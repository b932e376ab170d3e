"""The untrained rankings (indexer.retrieval.fusion) against hand-computed values and a real retrieval."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.retrieval.fusion import CROSS_LANG_BM25, RRF_WEIGHTS, cross_factors, lexical, rrf, rrf_hybrid, top
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.translate import Translation

BCC = "Border Crossing Card replacement program"


def test_rrf_hand_computed() -> None:
    fused = rrf({"bm25": [1, 2], "dense": [2, 3]}, {"bm25": 1.0, "dense": 1.0}, 60, {})
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert [item for item, _ in top(fused, 3)] == [2, 1, 3]


def test_rrf_weights_and_per_item_weights() -> None:
    fused = rrf({"bm25": [1], "dense": [2]}, {"bm25": 2.0, "dense": 1.0}, 0, {"bm25": {1: 0.25}})
    assert fused == {1: pytest.approx(0.5), 2: pytest.approx(1.0)}


def test_top_breaks_ties_by_id() -> None:
    assert top({5: 1.0, 3: 1.0, 9: 2.0}, 2) == [(9, 2.0), (3, 1.0)]


def test_other_language_bm25_counts_less_unless_a_same_language_twin_lent_it(searcher: Searcher) -> None:
    cands = searcher.retrieve(BCC, 10, "bm25", "en", SearchFilters(doc_lang="es"))
    passages = searcher.snapshot.passages
    factors = cross_factors(cands, passages)
    assert cands.lent and all(passages.lang(r) == "es" for r in cands.lexical)
    for row in cands.lexical:  # Spanish rows: reduced when the evidence is their own, not when lent by an English twin
        assert factors.get(row, 1.0) == (1.0 if row in cands.lent else CROSS_LANG_BM25)
    unsure = replace(cands, lang=replace(cands.lang, analyze_with=("en", "es")))
    assert cross_factors(unsure, passages) == {}  # analyzed as both languages: nothing is "other"


def test_rrf_hybrid_weighs_the_translation_by_the_words_it_knew(searcher: Searcher) -> None:
    cands = searcher.retrieve(BCC, 10, "hybrid", "en")
    rows = list(cands.lexical)[:2]
    known = replace(cands, translated={rows[0]: 5.0, rows[1]: 1.0}, translation=Translation("en", "es", "x", 0.5))
    unknown = replace(known, translation=Translation("en", "es", "x", 0.0))
    added = (
        rrf_hybrid(known, 30, searcher.snapshot.passages)[rows[0]]
        - rrf_hybrid(unknown, 30, searcher.snapshot.passages)[rows[0]]
    )
    assert added == pytest.approx(RRF_WEIGHTS["translated"] * 0.5 / (30 + 1))


def test_bm25_mode_takes_the_best_of_each_passages_lists_or_adds_them_across(searcher: Searcher) -> None:
    cands = searcher.retrieve(BCC, 10, "bm25", "en")
    passages = searcher.snapshot.passages
    factors = cross_factors(cands, passages)
    plain = lexical(cands, passages)
    assert plain == {r: s * factors.get(r, 1.0) for r, s in cands.lexical.items()}
    weak, other = next(iter(cands.lexical)), 10**6
    extra = replace(
        cands,
        translated={weak: 1000.0, other: 1.0},
        doc_mt={other: 3.0},
        translation=Translation("en", "es", "x", 0.5),
    )
    fused = lexical(extra, passages)
    assert fused[weak] == 500.0  # its translation's BM25, times the share of words known, beats its own
    assert fused[other] == 3.0  # the best of 0.5 and 3.0
    # filtered to the other language the lists are added
    across = lexical(replace(extra, filters=SearchFilters(doc_lang="es")), passages)
    assert across[weak] == pytest.approx(plain[weak] + 500.0) and across[other] == pytest.approx(3.5)
