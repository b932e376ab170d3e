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

An HNSW graph is extended in place when a build only adds documents (`extend_vectors`): new
vectors are inserted into the previous graph instead of building it again (at 100k passages,
rebuilding took 33 s of a one-document add). Snapshot rows follow document ids, so an added
document's passages land between existing rows; the faiss ids stay in insertion order and
ORDER (`vector_order.npy`) maps each faiss id to its snapshot row.
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
ORDER = "vector_order.npy"  # int64, faiss id -> snapshot row; absent when they are the same


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
    """Row-numbered vectors: row i is passage i of the snapshot (through `order` when it is given)."""

    def __init__(self, index: faiss.Index, order: np.ndarray | None = None) -> None:
        self.index = index
        self.ef_search = HNSW_EF_SEARCH if index.ntotal < LARGE else HNSW_EF_SEARCH_LARGE
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = self.ef_search
        if order is not None and np.array_equal(order, np.arange(len(order))):
            order = None
        if order is not None and len(order) != index.ntotal:
            raise ValueError(f"vector order has {len(order)} rows for {index.ntotal} vectors")
        self.order = order  # faiss id -> row
        self._ids: np.ndarray | None = None  # row -> faiss id
        if order is not None:
            self._ids = np.empty_like(order)
            self._ids[order] = np.arange(len(order), dtype=order.dtype)

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        order_path = path.with_name(ORDER)
        order = np.load(order_path) if order_path.is_file() else None
        return cls(faiss.read_index(str(path)), order)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
        if self.order is not None:
            np.save(path.with_name(ORDER), self.order)

    def _faiss_ids(self, rows: Sequence[int]) -> np.ndarray:
        ids = np.asarray(rows, dtype=np.int64)
        return ids if self._ids is None else self._ids[ids]

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        return ids if self.order is None else np.where(ids >= 0, self.order[np.maximum(ids, 0)], -1)

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
            selector = faiss.IDSelectorBatch(self._faiss_ids(rows))
            # the SWIG keyword constructors are missing from faiss' type stubs
            if isinstance(self.index, faiss.IndexHNSW):
                ef = max(self.ef_search, limit)
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)  # type: ignore[attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, ids = self.index.search(q, min(limit, self.size), params=params)
        found = self._rows(ids[0])
        return [(int(i), float(s)) for i, s in zip(found, scores[0], strict=True) if i >= 0]

    def score_rows(self, query: np.ndarray, rows: Sequence[int]) -> dict[int, float]:
        """Exact similarity for given rows, so fusion can weigh lexical-only candidates."""
        if not rows:
            return {}
        _single_thread()
        vecs = self.index.reconstruct_batch(self._faiss_ids(rows))
        sims = vecs @ query.reshape(-1).astype(np.float32)
        return {int(r): float(s) for r, s in zip(rows, sims, strict=True)}

    def vectors(self) -> np.ndarray:
        """Every vector, in row order."""
        if not self.size:
            return np.zeros((0, 0))
        stored = np.asarray(self.index.reconstruct_n(0, self.size), dtype=np.float32)
        if self.order is None:
            return stored
        out = np.empty_like(stored)
        out[self.order] = stored
        return out


def extend_vectors(
    previous: VectorIndex, rows_of_previous: np.ndarray, added: np.ndarray, added_rows: np.ndarray
) -> VectorIndex:
    """`previous`'s HNSW graph with `added` vectors inserted: the index of a build that only adds documents.

    rows_of_previous[r] is the new row of the previous snapshot's row r; added_rows are the new
    rows of `added`. The graph is copied (the previous snapshot keeps serving its own)."""
    index = faiss.deserialize_index(faiss.serialize_index(previous.index))
    old_order = previous.order if previous.order is not None else np.arange(previous.size, dtype=np.int64)
    order = np.concatenate([rows_of_previous[old_order], added_rows]).astype(np.int64)
    if len(added):
        faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
        index.add(np.ascontiguousarray(added, dtype=np.float32))
    return VectorIndex(index, order)
