"""Evidence lent by a twin in a search filtered to the other language: BM25 on the lending language's scale,
dense scores discounted."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.retrieval.fusion import minmax_up_to
from indexer.retrieval.hybrid import fuse
from indexer.retrieval.querylang import QueryLanguage
from indexer.retrieval.search import Searcher
from indexer.retrieval.stages import Candidates, FusionConfig, SearchFilters
from indexer.retrieval.twins import TWIN_DISCOUNT, propagate

EN = QueryLanguage("en", 1.0, ("en",))


def _candidates(top: float) -> Candidates:
    # row 1: a Spanish passage whose English twin matched the query weakly (BM25 8, lent); row 2: the
    # Spanish passage the vectors find closest; row 3 a poor one. The query's best English match (BM25
    # `top`) has no twin, so it is not among them
    return Candidates(
        "query",
        EN,
        "hybrid",
        10,
        SearchFilters(doc_lang="es"),
        lexical={1: 8.0, 2: 1.0, 3: 0.5},
        dense={1: 0.85, 2: 0.86, 3: 0.80},
        lent=frozenset({1}),
        lexical_top=top,
    )


def _order(candidates: Candidates, config: FusionConfig) -> list[int]:
    fused = fuse(candidates, "weighted", config)
    return sorted(fused, key=lambda r: -fused[r])


def test_a_weak_lent_match_does_not_count_as_the_best_there_is() -> None:
    config = FusionConfig()
    assert _order(_candidates(40.0), config) == [2, 1, 3]
    assert _order(_candidates(40.0), replace(config, lending_scale=False)) == [1, 2, 3]
    # the lent score is the language's best (its lender is the top passage): nothing changes
    assert _order(_candidates(8.0 / 0.999), config) == _order(_candidates(0.0), config) == [1, 2, 3]


def test_minmax_up_to() -> None:
    norm = minmax_up_to(10.0)
    assert norm({1: 2.0, 2: 6.0}) == pytest.approx({1: 0.0, 2: 0.5})
    assert norm({1: 2.0, 2: 12.0}) == pytest.approx({1: 0.0, 2: 1.0})  # a list above the top: plain min-max
    assert norm({}) == {}


def test_the_search_records_the_query_languages_best_bm25(searcher: Searcher) -> None:
    query = "water deliveries under the 1944 treaty"
    across = searcher.retrieve(query, 10, "hybrid", "en", SearchFilters(doc_lang="es"))
    same = searcher.retrieve(query, 10, "hybrid", "en", SearchFilters(doc_lang="en"))
    assert across.lexical_top == pytest.approx(max(same.lexical.values()))
    assert same.lexical_top == 0.0  # not filtered to another language: nothing is lent across


def test_a_twin_lends_its_dense_score_discounted_across_languages(searcher: Searcher) -> None:
    snapshot = searcher.snapshot
    row, twins = next((r, t) for r, t in sorted(snapshot.twins.items()) if t)
    twin_doc = snapshot.passages.doc_id(twins[0])
    lent, by = propagate(snapshot, {row: 0.9}, {twin_doc}, None, FusionConfig().lent_dense_across)
    assert lent[twins[0]] == pytest.approx(0.9 * 0.98) and by[twins[0]] == row
    assert propagate(snapshot, {row: 0.9}, {twin_doc})[0][twins[0]] == pytest.approx(0.9 * TWIN_DISCOUNT)
