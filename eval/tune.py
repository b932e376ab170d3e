"""Sweep fusion settings on a dev split; report the best per direction and overall (mean nDCG@10)."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.datasets.types import LabeledSet, direction
from eval.engine import EvalIndex
from eval.metrics import MAIN_METRIC, QrelsDict, evaluate, ranking_to_run
from eval.refusion import record, refuse, retrieval_key
from eval.report import markdown_table, text_table
from eval.runner import collapse, prime_queries, qrels_for, queries_for, scoring_units
from indexer.retrieval.search import Candidates, FusionConfig, Searcher

TUNE_METRICS = ("ndcg@10", "mrr@10", "recall@10")
TUNE_K = 10  # what the service asks for by default: candidate depth is max(10 * depth_factor, min_depth)
RRF_K = (10, 30, 60, 100)
RRF_WEIGHTS = ((1.0, 1.0), (0.5, 1.0), (0.25, 1.0), (1.0, 0.5))
WEIGHTS = ((0.1, 0.9), (0.2, 0.8), (0.3, 0.7), (0.4, 0.6), (0.5, 0.5))
CROSS = (0.0, 0.3, 1.0)
DEPTHS = ((3, 30), (5, 50), (10, 100), (30, 300))  # (depth_factor, min_depth)
TRANSLATED = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)  # weight of the translated query's BM25
CROSS_WEIGHTS = ((0.0, 1.0), (0.05, 0.95), *WEIGHTS)
RRF_TRANSLATED = (0.0, 0.25, 0.5, 1.0)
DOC_MT = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)  # weight of the query's BM25 over the passages' translations
DOC_MT_DENSE = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)  # weight of the query's vector against the translations' vectors
SENTENCE = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)  # weight of the candidates' best-sentence similarity
NORMS = (("minmax", 0.0), ("floor", 0.6), ("floor", 0.7), ("floor", 0.8), ("zscore", 0.0))  # (name, dense floor)
METHODS = {"hybrid-rrf": "rrf", "hybrid-weighted": "weighted"}


@dataclass(frozen=True)
class Candidate:
    mode: str  # hybrid-rrf or hybrid-weighted
    config: FusionConfig

    def label(self) -> str:
        c = self.config
        tail = f"cross={c.cross_lang_bm25} depth={max(c.depth_factor * TUNE_K, c.min_depth)}"
        if self.mode == "hybrid-rrf":
            weights = f"w={c.rrf_weights[0]:g}/{c.rrf_weights[1]:g} tr={c.rrf_translated:g} mt={c.rrf_doc_mt:g}"
            return f"rrf k={c.rrf_k} {weights} {tail}"
        norm = c.normalization + (f"({c.dense_floor:g})" if c.normalization == "floor" else "")
        weights = f"w={c.weights[0]:g}/{c.weights[1]:g} cw={c.cross_weights[0]:g}/{c.cross_weights[1]:g}"
        mt = f"mt={c.doc_mt_bm25:g} md={c.doc_mt_dense:g} s={c.sentence_dense:g}/{c.sentence_dense_mixed:g}"
        return f"weighted {weights} tr={c.translated_bm25:g} {mt} {norm} {tail}"


@dataclass
class TuneRow:
    candidate: Candidate
    scores: dict[str, dict[str, float]]  # direction -> metric -> value

    @property
    def overall(self) -> float:
        values = [s[MAIN_METRIC] for s in self.scores.values()]
        return sum(values) / len(values) if values else 0.0

    def to_dict(self) -> dict[str, Any]:
        cfg = asdict(self.candidate.config)
        return {"mode": self.candidate.mode, "label": self.candidate.label(), "config": cfg, **self._numbers()}

    def _numbers(self) -> dict[str, Any]:
        return {"overall": round(self.overall, 4), "scores": self.scores}


def first_stage(base: FusionConfig | None = None) -> list[Candidate]:
    base = base or FusionConfig()
    rrf = [
        Candidate("hybrid-rrf", replace(base, rrf_k=k, rrf_weights=w, cross_lang_bm25=x))
        for k, w, x in itertools.product(RRF_K, RRF_WEIGHTS, CROSS)
    ]
    weighted = [
        Candidate("hybrid-weighted", replace(base, weights=w, cross_lang_bm25=x))
        for w, x in itertools.product(WEIGHTS, CROSS)
    ]
    return rrf + weighted


def depth_stage(best: Sequence[Candidate]) -> list[Candidate]:
    """Candidate depth is swept only around the best setting of each fusion method."""
    out = []
    for cand in best:
        for factor, minimum in DEPTHS:
            cfg = replace(cand.config, depth_factor=factor, min_depth=minimum)
            if cfg != cand.config:
                out.append(Candidate(cand.mode, cfg))
    return out


def translation_stage(best: Sequence[Candidate]) -> list[Candidate]:
    """The translated query's weight (and, for weighted fusion, the normalization and the bm25/dense
    split) swept around the best setting of each fusion method."""
    out = []
    for cand in best:
        if cand.mode == "hybrid-rrf":
            out += [Candidate(cand.mode, replace(cand.config, rrf_translated=t)) for t in RRF_TRANSLATED]
            continue
        # both profiles move together: same-language and mixed directions show the general one,
        # cross-language directions the cross-language one (pick each from its own directions);
        # translated_bm25_mixed acts before fusion (at 0 nothing is translated): sweep it with --fusion-set
        for t, (norm, floor), w in itertools.product(TRANSLATED, NORMS, CROSS_WEIGHTS):
            cfg = replace(
                cand.config,
                translated_bm25=t,
                normalization=norm,
                cross_normalization=norm,
                dense_floor=floor,
                weights=w,
                cross_weights=w,
            )
            out.append(Candidate(cand.mode, cfg))
    return [c for c in out if c not in best]


def doc_mt_stage(best: Sequence[Candidate]) -> list[Candidate]:
    """The weight of the query's BM25 over the passages' machine translations (an index built with
    them), swept with the translated query's weight and the cross-language bm25/dense split around
    the best setting of each fusion method (its normalization kept)."""
    out = []
    for cand in best:
        if cand.mode == "hybrid-rrf":
            out += [Candidate(cand.mode, replace(cand.config, rrf_doc_mt=t)) for t in RRF_TRANSLATED]
            continue
        for d, t, w in itertools.product(DOC_MT, TRANSLATED, CROSS_WEIGHTS):
            out.append(Candidate(cand.mode, replace(cand.config, doc_mt_bm25=d, translated_bm25=t, cross_weights=w)))
    return [c for c in out if c not in best]


def doc_mt_dense_stage(best: Sequence[Candidate]) -> list[Candidate]:
    """The weight of the query's vector against the passages' translations' vectors (an index built
    with them), swept with the translated query's weight and the cross-language bm25/dense split
    around the best weighted setting (its normalization and doc_mt weight kept). The weight gates
    retrieval (at 0 nothing is searched), so each weight is one retrieval pass."""
    out = []
    for cand in best:
        if cand.mode != "hybrid-weighted":
            continue
        for m, t, w in itertools.product(DOC_MT_DENSE, TRANSLATED, CROSS_WEIGHTS):
            out.append(Candidate(cand.mode, replace(cand.config, doc_mt_dense=m, translated_bm25=t, cross_weights=w)))
    return sorted((c for c in out if c not in best), key=lambda c: c.config.doc_mt_dense)


def sentence_stage(best: Sequence[Candidate]) -> list[Candidate]:
    """The weight of the candidates' best-sentence similarity (a snapshot with a sentence table), per
    profile around the best weighted setting: the cross-language weight with the translated query's
    weight and the cross bm25/dense split, the general weight with the general split. Only whether a
    weight is 0 gates retrieval, so the stage costs at most three retrieval passes."""
    out = []
    for cand in best:
        if cand.mode != "hybrid-weighted":
            continue
        c = cand.config
        for s, t, w in itertools.product(SENTENCE, TRANSLATED, CROSS_WEIGHTS):
            out.append(Candidate(cand.mode, replace(c, sentence_dense=s, translated_bm25=t, cross_weights=w)))
        for s, w in itertools.product(SENTENCE, WEIGHTS):
            out.append(Candidate(cand.mode, replace(c, sentence_dense_mixed=s, weights=w)))
    return sorted(dict.fromkeys(c for c in out if c not in best), key=lambda c: repr(retrieval_key(c.config)))


class Sweep:
    """Evidence per (direction, query) for one retrieval setting at a time; candidates re-fuse it."""

    def __init__(self, labeled: LabeledSet, ix: EvalIndex, directions: Sequence[str]) -> None:
        self.labeled, self.ix, self.directions = labeled, ix, list(directions)
        self.searcher = Searcher(ix.snapshot, ix.encoder)
        self.qrels: dict[str, QrelsDict] = {d: qrels_for(labeled, ix, d) for d in self.directions}
        self.units = {d: scoring_units(labeled, ix, d) for d in self.directions}
        self.key: FusionConfig | None = None
        self.evidence: dict[str, dict[str, Candidates]] = {}

    def gather(self, config: FusionConfig, tick: Callable[[int], object] | None = None) -> None:
        key = retrieval_key(config)
        if key == self.key:
            return
        self.searcher.config = key
        self.evidence = {}
        for d in self.directions:
            doc_lang = direction(d).doc_lang
            judged = self.qrels[d]
            self.evidence[d] = {
                q.qid: record(self.searcher, q.text, q.lang, doc_lang, TUNE_K)
                for q in queries_for(self.labeled, d)
                if q.qid in judged
            }
            if tick:
                tick(len(self.evidence[d]))
        self.key = key

    def score(self, cand: Candidate) -> TuneRow:
        self.gather(cand.config)
        method = METHODS[cand.mode]
        passages = self.ix.snapshot.passages
        scores = {}
        for d in self.directions:
            ranking = {}
            for qid, ev in self.evidence[d].items():
                rows = refuse(self.searcher, ev, cand.config, method, TUNE_K)
                ranking[qid] = collapse([passages[r].passage_id for r in rows], self.units[d])
            scores[d] = evaluate(self.qrels[d], ranking_to_run(ranking), TUNE_METRICS)
        return TuneRow(cand, scores)


def tune(
    labeled: LabeledSet,
    ix: EvalIndex,
    directions: Sequence[str] | None = None,
    progress: bool = False,
    translation_only: bool = False,
    base: FusionConfig | None = None,
) -> dict[str, Any]:
    """Three stages: a grid over fusion settings, candidate depth around each method's best, then
    the translated query's weight and the normalization (then, with the index's translations, their
    weights, and with a sentence table the sentence weights: `sentence_stage`); `translation_only` runs the last one
    around the current defaults (one retrieval pass instead of nine). `base` (default: FusionConfig())
    is the setting every candidate starts from (`bnc eval --tune --fusion-set ...`)."""
    base = base or FusionConfig()
    dirs = [d for d in (directions or labeled.directions) if d in labeled.directions]
    started = time.perf_counter()
    prime_queries(ix, labeled, progress)
    sweep = Sweep(labeled, ix, dirs)
    stage = sorted(first_stage(base), key=lambda c: repr(retrieval_key(c.config)))  # one search pass per key
    rows: list[TuneRow] = []
    with tqdm(total=len(stage) + 2 * (len(DEPTHS) - 1), desc="tune", unit="setting", disable=not progress) as bar:
        reference = [sweep.score(Candidate(m, base)) for m in METHODS]
        rows += reference if translation_only else []
        for cand in [] if translation_only else stage:
            rows.append(sweep.score(cand))
            bar.update(1)
        best = [max((r for r in rows if r.candidate.mode == m), key=lambda r: r.overall) for m in METHODS]
        for cand in [] if translation_only else depth_stage([b.candidate for b in best]):
            rows.append(sweep.score(cand))
            bar.update(1)
        # the later stages start from the best row per method so far, each only where the snapshot has its part
        later = (
            (True, translation_stage),
            (ix.snapshot.doc_mt is not None and base.doc_mt, doc_mt_stage),
            (ix.snapshot.doc_mt_vectors is not None, doc_mt_dense_stage),
            (ix.snapshot.sentences is not None, sentence_stage),
        )
        for applies, make_stage in later:
            if not applies:
                continue
            best = [max((r for r in rows if r.candidate.mode == m), key=lambda r: r.overall) for m in METHODS]
            extra = make_stage([b.candidate for b in best])
            bar.total += len(extra)
            for cand in extra:
                rows.append(sweep.score(cand))
                bar.update(1)
    rows.sort(key=lambda r: -r.overall)
    per_direction = {d: max(rows, key=lambda r: r.scores[d][MAIN_METRIC]).to_dict() for d in dirs}
    return {
        "dataset": labeled.name,
        "queries": len(labeled.queries),
        "directions": dirs,
        "k": TUNE_K,
        "metric": MAIN_METRIC,
        "candidates": len(rows),
        "seconds": round(time.perf_counter() - started, 1),
        "best_overall": rows[0].to_dict(),
        "best_rrf": next(r for r in rows if r.candidate.mode == "hybrid-rrf").to_dict(),
        "best_weighted": next(r for r in rows if r.candidate.mode == "hybrid-weighted").to_dict(),
        "best_per_direction": per_direction,
        "reference": [r.to_dict() for r in reference],
        "ranked": [r.to_dict() for r in rows],
    }


def _line(row: dict[str, Any], dirs: Sequence[str]) -> list[str]:
    return [row["label"], f"{row['overall']:.3f}", *(f"{row['scores'][d][MAIN_METRIC]:.3f}" for d in dirs)]


def render(summary: dict[str, Any], top: int = 10, markdown: bool = False) -> str:
    dirs = summary["directions"]
    head = ["setting", "mean", *dirs]
    table = markdown_table if markdown else text_table
    best = [summary["best_overall"], summary["best_rrf"], summary["best_weighted"]]
    per_dir = [{**r, "label": f"[{d}] {r['label']}"} for d, r in summary["best_per_direction"].items()]
    sections = [
        ("current defaults", summary["reference"]),
        ("best overall, best RRF, best weighted", best),
        ("best per direction", per_dir),
        (f"top {top}", summary["ranked"][:top]),
    ]
    intro = (
        f"tuning on {summary['dataset']} ({summary['queries']} queries): {summary['candidates']} settings, "
        f"nDCG@10 at k={summary['k']}, {summary['seconds']} s"
    )
    parts = [intro]
    for title, body in sections:
        parts.append(f"**{title}**" if markdown else title)
        parts.append(table(head, [_line(r, dirs) for r in body]))
    return "\n\n".join(parts) + "\n"


def write_tune(summary: dict[str, Any], out_dir: Path, name: str, json_path: Path | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}-tune.json", out_dir / f"{name}-tune.md"]
    payload = json.dumps(summary, indent=2) + "\n"
    paths[0].write_text(payload, encoding="utf-8")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(payload, encoding="utf-8")
        paths.append(json_path)
    paths[1].write_text(f"# Fusion tuning: {name}\n\n" + render(summary, markdown=True), encoding="utf-8")
    return paths
