"""Train the linear ranking model on the dev splits of every labeled set, and write it with its report.

`bnc eval --train-ranker`: for each dev query of each set and direction, the production retrieval
gives the candidates, indexer.retrieval.features turns them into feature rows, and the labels say
which rows are relevant. The model is fitted with a listwise softmax loss (the probability mass on
the relevant rows), each set weighing the same in total whatever its number of questions, and L2
on the weights. The result goes to indexer/data/ranker.json with a training report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from eval.datasets.registry import load_dataset
from eval.datasets.types import LabeledSet, Query, direction
from eval.runner import qrels_for, scoring_units
from indexer.retrieval.features import FEATURES, KINDS, candidate_rows, feature_matrix, search_kind
from indexer.retrieval.ranker import MODEL_FILE, LinearRanker
from indexer.retrieval.stages import SearchFilters

L2 = 1e-3  # small next to the loss of about ten thousand questions: it only keeps the weights finite


@dataclass(frozen=True)
class TrainSet:
    """One labeled set's dev questions, as indexed for training (with or without its translation links)."""

    dataset: str
    dev: Callable[[Query], bool]
    link: bool = True

    @property
    def name(self) -> str:
        return self.dataset if self.link else f"{self.dataset}-unlinked"


def _split(name: str) -> Callable[[Query], bool]:
    return lambda q: q.split == name


TRAINING: tuple[TrainSet, ...] = (
    TrainSet("xquad", _split("dev")),
    TrainSet("xquad", _split("dev"), link=False),
    TrainSet("xquad-single", _split("dev")),
    TrainSet("tatoeba", _split("dev")),  # lines 1-500; 501-1000 are held out
    TrainSet("commission", _split("dev")),
    TrainSet("dated", lambda q: q.split in ("dated", "undated", "context-dev", "context-dev-undated")),
    TrainSet("mlqa", _split("dev")),
)


@dataclass
class Group:
    """One query's candidates in one direction: features, relevance, the search kind."""

    set_name: str
    direction: str
    kind: str
    x: np.ndarray
    y: np.ndarray


def groups_of(labeled: LabeledSet, ix: Any, keep: Callable[[Query], bool], k: int = 10) -> Iterator[Group]:
    """Every kept query that has a relevant item in a direction, with its candidates' features."""
    searcher = ix.searcher()
    for name in labeled.directions:
        qrels = qrels_for(labeled, ix, name)
        units = scoring_units(labeled, ix, name)
        ids = ix.snapshot.passages.passage_ids
        filters = SearchFilters(doc_lang=direction(name).doc_lang)
        for q in labeled.queries:
            if q.qid not in qrels or not keep(q):
                continue
            cands = searcher.retrieve(q.text, k, "hybrid", q.lang, filters)
            rows = candidate_rows(cands)
            y = np.array([units.get(ids[r]) in qrels[q.qid] for r in rows], dtype=np.float64)
            if y.sum() == 0:
                continue  # retrieval missed it: no ranking can help
            yield Group(labeled.name, name, search_kind(cands), feature_matrix(cands, ix.snapshot, rows), y)


def loss_and_grad(w: np.ndarray, groups: Sequence[Group], weights: Sequence[float]) -> tuple[float, np.ndarray]:
    """Weighted listwise softmax loss, -log P(relevant rows), and its gradient; w is KINDS x FEATURES flat."""
    wk = w.reshape(len(KINDS), len(FEATURES))
    grad = np.zeros_like(wk)
    total = 0.0
    for g, weight in zip(groups, weights, strict=True):
        ki = KINDS.index(g.kind)
        s = g.x @ wk[ki]
        s = s - s.max()
        p = np.exp(s)
        z = p.sum()
        rel = p[g.y > 0].sum()
        total += weight * (np.log(z) - np.log(max(rel, 1e-300)))
        # d/dw [log z - log rel] = E_p[x] - E_{p|rel}[x]
        grad[ki] += weight * ((p / z) @ g.x - ((p * g.y) / max(rel, 1e-300)) @ g.x)
    total += L2 * float(w @ w)
    return total, grad.ravel() + 2 * L2 * w


def fit(groups: Sequence[Group]) -> dict[str, np.ndarray]:
    """Weights per kind. Every set counts the same in total (its queries weigh mean set size / its size), and a
    query weighs 1 on average, so the L2 term stays small next to the loss."""
    from scipy.optimize import minimize

    per_set: dict[str, int] = {}
    for g in groups:
        per_set[g.set_name] = per_set.get(g.set_name, 0) + 1
    mean_size = len(groups) / max(len(per_set), 1)
    weights = [mean_size / per_set[g.set_name] for g in groups]
    w0 = np.zeros(len(KINDS) * len(FEATURES))
    w0[[KINDS.index(kd) * len(FEATURES) + FEATURES.index("dense") for kd in KINDS]] = 1.0
    res = minimize(loss_and_grad, w0, args=(groups, weights), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    wk = res.x.reshape(len(KINDS), len(FEATURES))
    return {kind: wk[i] for i, kind in enumerate(KINDS)}


def mrr_at_10(groups: Sequence[Group], model: dict[str, np.ndarray]) -> float:
    """Mean reciprocal rank of the first relevant row (rows, not the engine's collapsed units: a check only)."""
    total = 0.0
    for g in groups:
        order = np.argsort(-(g.x @ model[g.kind]), kind="stable")[:10]
        hits = np.nonzero(g.y[order] > 0)[0]
        total += 1.0 / (hits[0] + 1) if len(hits) else 0.0
    return total / max(len(groups), 1)


def collect(
    sets: Sequence[TrainSet], cache: Path, datasets: Path | None, corpus: Path | None, progress: bool
) -> list[Group]:
    from eval.engine import CACHE_SEEDS, open_eval_index, seed_cache
    from indexer.encoders import DEFAULT_ENCODER, load_encoder

    encoder = load_encoder(DEFAULT_ENCODER)
    groups: list[Group] = []
    for ts in tqdm(sets, desc="sets", disable=not progress):
        labeled = load_dataset(ts.dataset, datasets, corpus)
        index_dir = cache / f"{ts.name}-index"
        seed_cache(index_dir, cache / f"{CACHE_SEEDS.get(ts.dataset, ts.dataset)}-index")
        ix = open_eval_index(labeled.documents, index_dir, encoder, progress=progress, link_translations=ts.link)
        labeled = replace(labeled, name=ts.name)
        groups += list(groups_of(labeled, ix, ts.dev))
    return groups


def train(
    cache: Path,
    datasets: Path | None = None,
    corpus: Path | None = None,
    out: Path = MODEL_FILE,
    progress: bool = True,
    sets: Sequence[TrainSet] = TRAINING,
) -> dict[str, Any]:
    """Collect, fit, and write the model; returns the training report (also written next to the model)."""
    started = time.perf_counter()
    groups = collect(sets, cache, datasets, corpus, progress)
    model = fit(groups)
    cells: dict[str, list[Group]] = {}
    for g in groups:
        cells.setdefault(f"{g.set_name} {g.direction}", []).append(g)
    report = {
        "trained_on": [ts.name for ts in sets],
        "groups": len(groups),
        "l2": L2,
        "loss": "listwise softmax, each set weighing the same",
        "dev_mrr@10_rows": {cell: round(mrr_at_10(gs, model), 4) for cell, gs in sorted(cells.items())},
        "seconds": round(time.perf_counter() - started, 1),
    }
    ranker = LinearRanker(model, {"report": report})
    out.write_text(json.dumps(ranker.to_dict(), indent=1) + "\n", encoding="utf-8")
    return report
