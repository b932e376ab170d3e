"""Run every mode in every direction over a labeled set; retrieval and scoring meet only in run dicts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.datasets.types import LabeledSet, Query, direction
from eval.engine import EvalIndex
from eval.metrics import METRICS, QrelsDict, evaluate, ranking_to_run
from eval.overlap import relevant_passages
from eval.parser import MODES
from indexer.encoders import runtime_of
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters

# eval mode -> (Searcher mode, fusion method)
ENGINE_MODES: dict[str, tuple[str, str]] = {
    "bm25": ("bm25", "rrf"),
    "dense": ("dense", "rrf"),
    "hybrid-rrf": ("hybrid", "rrf"),
    "hybrid-learned": ("hybrid", "learned"),
}
Ranking = dict[str, list[str]]  # qid -> ranked ids (passage ids, or document ids for document-level sets)


@dataclass
class EvalResult:
    dataset: str
    split: str | None
    level: str
    k: int
    query_lang: str
    config: dict[str, Any]
    encoder: str
    index_version: str
    counts: dict[str, int]
    modes: list[str]
    directions: list[str]
    n_queries: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rankings: dict[str, dict[str, Ranking]] = field(default_factory=dict, repr=False)
    qrels: dict[str, QrelsDict] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("rankings")
        out.pop("qrels")
        return out


def config_dict(config: RankingConfig) -> dict[str, Any]:
    """The config as a report shows it: paths inside the repository relative to it."""
    root = Path(__file__).resolve().parents[1]
    out = asdict(config)
    for name, value in out.items():
        if isinstance(value, Path):
            out[name] = str(value.relative_to(root)) if value.is_relative_to(root) else str(value)
    return out


def queries_for(labeled: LabeledSet, direction_name: str) -> list[Query]:
    d = direction(direction_name)
    return [q for q in labeled.queries if d.query_lang is None or q.lang == d.query_lang]


def translation_groups(labeled: LabeledSet, ix: EvalIndex | None = None) -> dict[str, str]:
    """doc_id -> one id per set of documents linked as translations (the smallest id in it).

    Links are those of translation_of and, given the index, those its build detected
    (indexer.index.pairing): the engine collapses both alike."""
    parent = {d.doc_id: d.doc_id for d in labeled.documents}
    links = [(d.doc_id, str(d.translation_of)) for d in labeled.documents if d.translation_of in parent]
    if ix is not None:
        links += [(a, b) for a, (b, _) in ix.snapshot.detected_links.items() if a in parent and b in parent]

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in links:
        a, b = root(x), root(y)
        parent[max(a, b)] = min(a, b)
    return {doc: root(doc) for doc in parent}


def scoring_units(labeled: LabeledSet, ix: EvalIndex, direction_name: str) -> dict[str, str]:
    """passage_id -> the id that is scored: the passage (span labels) or its document (doc labels).

    In the mixed pool a passage and its translation are one answer, shown once by the engine:
    documents map to their translation group, passages to (translation group, paragraph ordinal).
    """
    mixed = direction(direction_name).doc_lang is None
    groups = translation_groups(labeled, ix) if mixed else {}
    out = {}
    for p in ix.snapshot.passages:
        if labeled.level == "document":
            out[p.passage_id] = groups.get(p.doc_id, p.doc_id)
        elif mixed:
            out[p.passage_id] = f"{groups.get(p.doc_id, p.doc_id)}#{p.ordinal}"
        else:
            out[p.passage_id] = p.passage_id
    return out


def qrels_for(labeled: LabeledSet, ix: EvalIndex, direction_name: str) -> QrelsDict:
    """Relevant scoring units per query, counting only targets in the direction's document language."""
    d = direction(direction_name)
    out: QrelsDict = {}
    if labeled.level == "passage":
        units = scoring_units(labeled, ix, direction_name)
        passages = [p for p in ix.snapshot.passages if d.doc_lang is None or p.lang == d.doc_lang]
        queries = queries_for(labeled, direction_name)
        # labels are quotes located in whole bodies, which the snapshot reads from disk on demand
        labeled_docs = {lb.doc_id for q in queries for lb in labeled.span_labels.get(q.qid, [])}
        bodies = {d: ix.snapshot.document(d) for d in labeled_docs if d in ix.snapshot.documents}
        for q in queries:
            labels = labeled.span_labels.get(q.qid, [])
            rel = relevant_passages(passages, bodies, labels) if labels else set()
            if rel:
                out[q.qid] = dict.fromkeys(sorted({units[p] for p in rel}), 1)
        return out
    langs = labeled.document_langs()
    groups = translation_groups(labeled, ix) if d.doc_lang is None else {}
    for q in queries_for(labeled, direction_name):
        rels: dict[str, int] = {}
        for doc, grade in labeled.doc_qrels.get(q.qid, {}).items():
            if d.doc_lang in (None, langs.get(doc)):
                unit = groups.get(doc, doc)
                rels[unit] = max(grade, rels.get(unit, 0))
        if rels:
            out[q.qid] = rels
    return out


def retrieve(
    ix: EvalIndex, searcher: Searcher, mode: str, query: Query, doc_lang: str | None, k: int, query_lang: str
) -> list[str]:
    """Ranked passage ids for one query: the baseline, or the engine in one of its modes."""
    if mode == "rank-bm25":
        return [ix.snapshot.passages[r].passage_id for r in ix.baseline.search(query.text, k, doc_lang)]
    engine_mode, fusion = ENGINE_MODES[mode]
    result = searcher.search(
        query.text,
        k=k,
        mode=engine_mode,
        lang=query.lang if query_lang == "known" else "auto",
        filters=SearchFilters(doc_lang=doc_lang),
        fusion_method=fusion,
    )
    return [hit.passage.passage_id for hit in result.hits]


def collapse(ids: Sequence[str], unit_of: dict[str, str]) -> list[str]:
    """Passage ranking -> ranking of scoring units, each unit at its best passage's rank."""
    return list(dict.fromkeys(unit_of[p] for p in ids))


def run_rankings(
    ix: EvalIndex,
    searcher: Searcher,
    labeled: LabeledSet,
    mode: str,
    direction_name: str,
    qids: set[str],
    k: int,
    query_lang: str,
    tick: Callable[[int], object] | None = None,
) -> Ranking:
    doc_lang = direction(direction_name).doc_lang
    unit_of = scoring_units(labeled, ix, direction_name)
    ranking: Ranking = {}
    for q in queries_for(labeled, direction_name):
        if q.qid not in qids:
            continue
        ids = retrieve(ix, searcher, mode, q, doc_lang, k, query_lang)
        ranking[q.qid] = collapse(ids, unit_of)
        if tick:
            tick(1)
    return ranking


def evaluate_set(
    labeled: LabeledSet,
    ix: EvalIndex,
    modes: Sequence[str] = MODES,
    directions: Sequence[str] | None = None,
    *,
    k: int = 100,
    query_lang: str = "known",
    config: RankingConfig | None = None,
    metrics: Sequence[str] = METRICS,
    split: str | None = None,
    progress: bool = False,
) -> EvalResult:
    """Retrieve for every (mode, direction), then score each run against that direction's qrels."""
    config = config or RankingConfig()
    searcher = ix.searcher(config)
    directions = [d for d in (directions or labeled.directions) if d in labeled.directions]
    snap = ix.snapshot
    result = EvalResult(
        dataset=labeled.name,
        split=split,
        level=labeled.level,
        k=k,
        query_lang=query_lang,
        config=config_dict(config),
        encoder=ix.encoder.id,
        index_version=snap.version,
        counts={"documents": len(snap.documents), "passages": len(snap.passages), "queries": len(labeled.queries)},
        modes=list(modes),
        directions=directions,
        # one encoder id can have several runtimes (same vectors): say which one encoded this run
        notes=[*labeled.notes, f"encoder runtime: {runtime_of(ix.encoder.inner)}"],
    )
    result.qrels = {d: qrels_for(labeled, ix, d) for d in directions}
    result.n_queries = {d: len(q) for d, q in result.qrels.items()}
    if any(m in ("dense", "hybrid-rrf", "hybrid-learned") for m in modes):
        prime_queries(ix, labeled, progress)
    total = sum(result.n_queries.values()) * len(modes)
    with tqdm(total=total, desc=f"eval {labeled.name}", unit="query", disable=not progress) as bar:
        for mode in modes:
            started = time.perf_counter()
            for d in directions:
                ranking = run_rankings(ix, searcher, labeled, mode, d, set(result.qrels[d]), k, query_lang, bar.update)
                result.rankings.setdefault(mode, {})[d] = ranking
            result.seconds[mode] = round(time.perf_counter() - started, 2)
    result.metrics = score(result.rankings, result.qrels, metrics)
    return result


def prime_queries(ix: EvalIndex, labeled: LabeledSet, progress: bool = False) -> None:
    texts = [q.text for q in labeled.queries]
    with tqdm(total=len(set(texts)), desc="encode queries", unit="query", disable=not progress) as bar:
        ix.encoder.prime(texts, progress=bar.update)


def score(
    rankings: dict[str, dict[str, Ranking]], qrels: dict[str, QrelsDict], metrics: Sequence[str] = METRICS
) -> dict[str, dict[str, dict[str, float]]]:
    """mode -> direction -> metric -> mean over that direction's judged queries."""
    return {
        mode: {d: evaluate(qrels[d], ranking_to_run(ranking), metrics) for d, ranking in per_dir.items()}
        for mode, per_dir in rankings.items()
    }
