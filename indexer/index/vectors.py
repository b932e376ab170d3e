"""FAISS vector index: exact inner product for small collections, HNSW (float16) above a threshold.

Choices measured with `python -m bench.ann` on 100k passages, one query at a time (single thread):
- exact (flat, float32): 13.4 ms p50 at 100k, so exact stops at EXACT_MAX (about 2.7 ms at 20k);
- HNSW M=32 stores vectors as float16: recall@10 against exact is the same as float32 (0.980 vs
  0.981 at efSearch=256), search is faster (1.5 vs 2.1 ms: less memory to read) and it takes
  half the memory (99 vs 172 MB at 100k; about 1 GB at 1M). int8 lost recall (0.958), IVF more
  (0.83 at nprobe=32). efSearch=256 is the smallest setting measured with recall@10 >= 0.95 with
  a margin (128: 0.957).
- At 1M passages efSearch=256 fell to recall@10 0.908 (512: 0.949, 768: 0.965 at 4.7 ms p50,
  1024: 0.975 at 6.2 ms), so larger indexes search with HNSW_EF_SEARCH_LARGE.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

EXACT_MAX = 20_000  # up to here an exact scan is both fast enough and perfectly accurate
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
HNSW_EF_SEARCH_LARGE = 768
LARGE = 300_000  # passages from which the larger efSearch applies (measured at 100k and 1M)


def build_vectors(vectors: np.ndarray, exact_max: int = EXACT_MAX) -> faiss.Index:
    n, dim = vectors.shape
    index: faiss.Index
    if n <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        # float16 round-trips exactly, so vectors reused from this index by the next
        # incremental build are the same vectors, not a drifting approximation
        qtype = faiss.ScalarQuantizer.QT_fp16
        index = faiss.IndexHNSWSQ(dim, qtype, HNSW_M, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    if n:
        faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))  # building uses every core
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _single_thread() -> None:
    """One query gains nothing from OpenMP threads, and their spinning after each search took
    the cores from the query encoder's own OpenMP threads: measured on 10k passages, hybrid p50
    36 -> 28 ms (encode 28 -> 21 ms, ANN 3.5 -> 2.0 ms). The setting is per calling thread, so
    a build in another thread still adds vectors on every core."""
    faiss.omp_set_num_threads(1)


def index_kind(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexHNSWSQ):
        return "hnsw-fp16"
    return "hnsw" if isinstance(index, faiss.IndexHNSW) else "flat"


class VectorIndex:
    """Row-numbered vectors: row i is passage i of the snapshot."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self.ef_search = HNSW_EF_SEARCH if index.ntotal < LARGE else HNSW_EF_SEARCH_LARGE
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = self.ef_search

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, limit: int, rows: Sequence[int] | None = None) -> list[tuple[int, float]]:
        if self.size == 0 or limit <= 0:
            return []
        _single_thread()
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if rows is not None:
            if len(rows) == 0:
                return []
            selector = faiss.IDSelectorBatch(np.asarray(rows, dtype=np.int64))
            # the SWIG keyword constructors are missing from faiss' type stubs
            if isinstance(self.index, faiss.IndexHNSW):
                ef = max(self.ef_search, limit)
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)  # type: ignore[attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, ids = self.index.search(q, min(limit, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def score_rows(self, query: np.ndarray, rows: Sequence[int]) -> dict[int, float]:
        """Exact similarity for given rows, so fusion can weigh lexical-only candidates."""
        if not rows:
            return {}
        _single_thread()
        vecs = self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        sims = vecs @ query.reshape(-1).astype(np.float32)
        return {int(r): float(s) for r, s in zip(rows, sims, strict=True)}

    def vectors(self) -> np.ndarray:
        return np.asarray(self.index.reconstruct_n(0, self.size), dtype=np.float32) if self.size else np.zeros((0, 0))
