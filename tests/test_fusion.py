"""Fusion functions against hand-computed values."""

from __future__ import annotations

import pytest

from indexer.retrieval.fusion import minmax, rrf, top, weighted


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
