"""Vector index choices side by side: exact, HNSW at float32/float16/int8, IVF; recall vs exact.

Usage: python -m bench.ann --index DIR [--queries 200]
DIR is a built index (e.g. one `python -m bench` left under bench/results/tmp/). Recall@10 and
@100 are against exact inner-product search over the same vectors, for real query vectors.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bench.queries import query_set
from bench.table import markdown_table, percentile
from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot


def _variants(dim: int, n: int) -> dict[str, Callable[[], Any]]:  # faiss' stubs lack the subclasses
    ip = faiss.METRIC_INNER_PRODUCT
    sq: Any = faiss.ScalarQuantizer  # the stubs type its constants as ints, the constructors as enums
    nlist = max(16, int(4 * np.sqrt(n)))
    return {
        "flat f32": lambda: faiss.IndexFlatIP(dim),
        "hnsw32 f32": lambda: faiss.IndexHNSWFlat(dim, 32, ip),
        "hnsw32 f16": lambda: faiss.IndexHNSWSQ(dim, sq.QT_fp16, 32, ip),
        "hnsw32 int8": lambda: faiss.IndexHNSWSQ(dim, sq.QT_8bit, 32, ip),
        "hnsw16 int8": lambda: faiss.IndexHNSWSQ(dim, sq.QT_8bit, 16, ip),
        f"ivf{nlist} int8": lambda: faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist, sq.QT_8bit, ip),
    }


def _recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth, strict=True)]))


def measure(vectors: np.ndarray, queries: np.ndarray, efs: tuple[int, ...] = (64, 128, 256)) -> list[dict[str, Any]]:
    n, dim = vectors.shape
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, truth = exact.search(queries, 100)
    rows = []
    for name, make in _variants(dim, n).items():
        index: Any = make()
        t0 = time.perf_counter()
        if not index.is_trained:
            index.train(vectors[np.random.default_rng(0).permutation(n)[: min(n, 100_000)]])
        if "hnsw" in name:
            index.hnsw.efConstruction = 80
        index.add(vectors)
        build_s = time.perf_counter() - t0
        size = faiss.serialize_index(index).nbytes
        settings: list[tuple[str, Any]] = [("", None)]
        if "hnsw" in name:
            settings = [(f"efSearch={ef}", ef) for ef in efs]
        elif "ivf" in name:
            settings = [(f"nprobe={p}", p) for p in (8, 32)]
        for label, value in settings:
            if "hnsw" in name:
                index.hnsw.efSearch = value
            elif "ivf" in name:
                index.nprobe = value
            lat, found = [], []
            for q in queries:
                t = time.perf_counter()
                _, ids = index.search(q.reshape(1, -1), 100)
                lat.append((time.perf_counter() - t) * 1000)
                found.append(ids[0])
            rows.append(
                {
                    "index": name,
                    "setting": label,
                    "passages": n,
                    "build_s": round(build_s, 1),
                    "mb": round(size / 2**20, 1),
                    "p50_ms": round(statistics.median(lat), 3),
                    "p95_ms": round(percentile(lat, 0.95), 3),
                    "recall@10": round(_recall(np.array(found), truth, 10), 4),
                    "recall@100": round(_recall(np.array(found), truth, 100), 4),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    encoder = load_encoder()  # the default runtime
    snapshot = open_snapshot(args.index, verify=False)
    vectors = snapshot.vectors.vectors()
    queries = encoder.encode_queries(query_set(args.queries))
    faiss.omp_set_num_threads(1)  # one query at a time, as served: measure the index, not OpenMP
    rows = measure(vectors, queries)
    headers = list(rows[0])
    print(markdown_table(headers, [[r[h] for h in headers] for r in rows]))


if __name__ == "__main__":
    main()
