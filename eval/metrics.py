"""Metrics through ranx: qrels and run dicts in, mean scores out; plus ranking-to-run helpers."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

QrelsDict = dict[str, dict[str, int]]
RunDict = dict[str, dict[str, float]]

METRICS: tuple[str, ...] = ("ndcg@10", "mrr@10", "recall@1", "recall@5", "recall@10", "recall@100")
MAIN_METRIC = "ndcg@10"
LABELS = {
    "ndcg@10": "nDCG@10",
    "mrr@10": "MRR@10",
    "recall@1": "R@1",
    "recall@5": "R@5",
    "recall@10": "R@10",
    "recall@100": "R@100",
}


def ranking_to_run(ranking: Mapping[str, Sequence[str]]) -> RunDict:
    """Ranked ids -> strictly decreasing scores (rank 1 highest), duplicates keep their first rank."""
    run: RunDict = {}
    for qid, ids in ranking.items():
        unique = list(dict.fromkeys(ids))
        run[qid] = {item: float(len(unique) - i) for i, item in enumerate(unique)}
    return run


def evaluate(
    qrels: Mapping[str, Mapping[str, int]], run: Mapping[str, Mapping[str, float]], metrics: Sequence[str] = METRICS
) -> dict[str, float]:
    """Mean of each metric over the queries of `qrels`; a query the run misses scores 0."""
    judged = {q: {d: int(g) for d, g in rels.items() if g > 0} for q, rels in qrels.items()}
    judged = {q: rels for q, rels in judged.items() if rels}
    if not judged:
        return {m: 0.0 for m in metrics}
    answered = {q: dict(run[q]) for q in judged if run.get(q)}
    if not answered:
        return {m: 0.0 for m in metrics}
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's uint64 -> int64 cast notice inside ranx
        scores = ranx_evaluate(Qrels(judged), Run(answered), list(metrics), make_comparable=True)
    if isinstance(scores, float):
        return {metrics[0]: float(scores)}
    return {m: float(scores[m]) for m in metrics}
