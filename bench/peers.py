"""Peers on the same passages and vectors, each in its own process: rank-bm25 and txtai.

Usage: python -m bench.peers {rank-bm25|txtai} --index DIR [--queries 50] [--out FILE]
DIR is an index built by bench.run_size; the peer reads its passages and vectors, so all three
engines search the same text with the same vectors. Query vectors come from the same encoder.
- rank-bm25 (the product card's library) stands in for our lexical stage: passages and queries
  are analyzed with our own analyzers, so only the BM25 engine differs.
- txtai (a peer hybrid engine: BM25 + FAISS + fusion) is measured end to end, query encoding
  included, with its default settings for a hybrid index.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from bench.queries import query_set
from bench.rss import mb
from bench.table import percentile
from indexer.encoders import load_encoder
from indexer.index import snapshot_files as snap
from indexer.index.analysis import analyze
from indexer.index.vectors import VectorIndex
from indexer.retrieval.querylang import detect_query_lang


def _load(index_dir: Path) -> tuple[list[dict[str, Any]], Path]:
    version = snap.current_version(index_dir)
    path = snap.snapshots_dir(index_dir) / str(version)
    return list(snap.passage_rows(path)), path


def _latency(values: list[float]) -> dict[str, float]:
    return {f"p{q}": round(percentile(values, q / 100), 3) for q in (50, 95, 99)} | {
        "mean": round(statistics.mean(values), 3)
    }


def rank_bm25(index_dir: Path, queries: list[str], depth: int = 100) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    rows, _ = _load(index_dir)
    proc = psutil.Process()
    t0 = time.perf_counter()
    bm25 = BM25Okapi([analyze(r["text"], r["lang"]) for r in rows])
    build_s = time.perf_counter() - t0
    del rows
    lat = []
    for q in ("warm up", "calentamiento", *queries):
        t = time.perf_counter()
        lang = detect_query_lang(q)
        terms = [term for lg in lang.analyze_with for term in analyze(q, lg)]
        scores = bm25.get_scores(terms)
        top = np.argpartition(-scores, min(depth, len(scores) - 1))[:depth]
        top[np.argsort(-scores[top])]
        lat.append((time.perf_counter() - t) * 1000)
    lat = lat[2:]
    return {
        "engine": "rank-bm25",
        "stage": "lexical (analysis + BM25 top-100)",
        "build_s": round(build_s, 2),
        "rss_mb": mb(proc.memory_info().rss),
        "latency_ms": _latency(lat),
        "queries": len(queries),
    }


def txtai(index_dir: Path, queries: list[str], k: int = 10) -> dict[str, Any]:
    from txtai import Embeddings

    rows, path = _load(index_dir)
    vectors = VectorIndex.load(path / "vectors.faiss").vectors()
    by_text = {r["text"]: i for i, r in enumerate(rows)}
    encoder = load_encoder()  # the default runtime

    def transform(texts: list[str]) -> np.ndarray:
        # documents get the snapshot's vectors; anything else is a query, encoded for real
        known = [by_text.get(t, -1) for t in texts]
        if min(known) >= 0:
            return vectors[known]
        return encoder.encode_queries(texts)

    proc = psutil.Process()
    embeddings = Embeddings(method="external", transform=transform, content=True, hybrid=True, backend="faiss")
    t0 = time.perf_counter()
    embeddings.index((r["passage_id"], r["text"], None) for r in rows)
    build_s = time.perf_counter() - t0
    del rows
    for q in ("warm up", "calentamiento"):
        embeddings.search(q, k)
    rss = proc.memory_info().rss
    lat = []
    for q in queries:
        t = time.perf_counter()
        embeddings.search(q, k)
        lat.append((time.perf_counter() - t) * 1000)
    return {"engine": "txtai", "stage": "end to end (hybrid)", "build_s": round(build_s, 2), "rss_mb": mb(rss)} | {
        "latency_ms": _latency(lat),
        "queries": len(queries),
        "config": "Embeddings(method=external, content=True, hybrid=True, backend=faiss)",
    }


PEERS = {"rank-bm25": rank_bm25, "txtai": txtai}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("peer", choices=sorted(PEERS))
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = PEERS[args.peer](args.index, query_set(args.queries))
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
