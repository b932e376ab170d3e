"""Fusion functions against hand-computed values."""

from __future__ import annotations

import pytest

from indexer.retrieval.fusion import minmax, minmax_floor, normalizer, rrf, top, weighted, zscore


def test_rrf_hand_computed() -> None:
    fused = rrf({"bm25": [1, 2], "dense": [2, 3]}, k=60)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert [item for item, _ in top(fused, 3)] == [2, 1, 3]


def test_rrf_weights_and_per_item_weights() -> None:
    fused = rrf({"bm25": [1], "dense": [2]}, weights={"bm25": 2.0, "dense": 1.0}, k=0, item_weights={"bm25": {1: 0.25}})
    assert fused == {1: pytest.approx(0.5), 2: pytest.approx(1.0)}


def test_weighted_normalizes_each_retriever() -> None:
    assert minmax({1: 10.0, 2: 5.0, 3: 0.0}) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert minmax({7: 3.0}) == {7: 1.0}
    fused = weighted({"bm25": {1: 10.0, 2: 0.0}, "dense": {1: 0.2, 2: 0.6}}, {"bm25": 0.3, "dense": 0.7})
    assert fused == {1: pytest.approx(0.3), 2: pytest.approx(0.7)}


def test_top_breaks_ties_by_id() -> None:
    assert top({5: 1.0, 3: 1.0, 9: 2.0}, 2) == [(9, 2.0), (3, 1.0)]


def test_floor_normalization_keeps_a_lone_or_flat_list_at_its_size() -> None:
    assert minmax_floor({1: 10.0, 2: 5.0}, floor=0.0) == {1: 1.0, 2: 0.5}
    assert minmax_floor({1: 0.8, 2: 0.7, 3: 0.5}, floor=0.6) == {
        1: pytest.approx(1.0),
        2: pytest.approx(0.5),
        3: 0.0,  # below the floor: clipped
    }
    assert minmax_floor({1: 0.5}, floor=0.6) == {1: 0.0}  # nothing above the floor
    assert minmax({1: 0.5}) == {1: 1.0}  # where min-max gives a lone weak hit full weight


def test_zscore_is_shifted_to_zero_and_flat_lists_add_nothing() -> None:
    z = zscore({1: 3.0, 2: 1.0})  # mean 2, std 1
    assert z == {1: pytest.approx(2.0), 2: pytest.approx(0.0)}
    assert zscore({1: 4.0}) == {1: 0.0} and zscore({1: 2.0, 2: 2.0}) == {1: 0.0, 2: 0.0}
    assert zscore({}) == {}


def test_normalizer_by_name_and_weighted_with_per_retriever_normalization() -> None:
    assert normalizer("minmax") is minmax
    assert normalizer("floor", 0.5)({1: 1.0, 2: 0.75}) == {1: 1.0, 2: 0.5}
    with pytest.raises(ValueError, match="unknown normalization"):
        normalizer("softmax")
    fused = weighted(
        {"bm25": {1: 4.0}, "dense": {1: 0.9, 2: 0.8}},
        {"bm25": 0.5, "dense": 0.5},
        normalize={"bm25": zscore, "dense": normalizer("floor", 0.7)},
    )
    assert fused == {1: pytest.approx(0.5), 2: pytest.approx(0.25)}  # the lone BM25 hit adds 0
