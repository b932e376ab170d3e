"""The ranx wrapper against metrics computed by hand on a three-query toy run."""

from __future__ import annotations

import math

import pytest

from eval.metrics import evaluate, ranking_to_run

pytestmark = pytest.mark.slow  # ranx's numba compile (about a minute cold)

QRELS = {"q1": {"a": 1}, "q2": {"b": 1, "c": 1}, "q3": {"d": 1}}
RANKING = {"q1": ["x", "a", "y"], "q2": ["b", "z", "c"], "q3": ["w"]}


def test_ranking_to_run_keeps_order_and_first_rank_of_duplicates() -> None:
    run = ranking_to_run({"q": ["a", "b", "a", "c"]})
    assert list(run["q"]) == ["a", "b", "c"]
    assert run["q"]["a"] > run["q"]["b"] > run["q"]["c"] > 0


def test_metrics_match_hand_computation() -> None:
    got = evaluate(QRELS, ranking_to_run(RANKING), ["mrr@10", "ndcg@10", "recall@1", "recall@5"])
    # reciprocal ranks: q1 1/2 (a at 2), q2 1 (b at 1), q3 0
    assert got["mrr@10"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    # nDCG: q1 (1/log2 3) / 1; q2 (1 + 1/log2 4) / (1 + 1/log2 3); q3 0
    q1 = 1 / math.log2(3)
    q2 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert got["ndcg@10"] == pytest.approx((q1 + q2) / 3)
    assert got["recall@1"] == pytest.approx((0 + 0.5 + 0) / 3)
    assert got["recall@5"] == pytest.approx((1 + 1 + 0) / 3)


def test_a_query_missing_from_the_run_scores_zero() -> None:
    run = ranking_to_run({"q1": ["a"]})
    assert evaluate(QRELS, run, ["mrr@10"])["mrr@10"] == pytest.approx(1 / 3)
    assert evaluate(QRELS, {}, ["mrr@10"]) == {"mrr@10": 0.0}
