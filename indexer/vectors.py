"""FAISS vector index: exact inner product for small collections, HNSW above a threshold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

EXACT_MAX = 50_000  # below this an exact scan is both fast enough and perfectly accurate
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


def build_vectors(vectors: np.ndarray, exact_max: int = EXACT_MAX) -> faiss.Index:
    n, dim = vectors.shape
    index: faiss.Index
    if n <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def index_kind(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"


class VectorIndex:
    """Row-numbered vectors: row i is passage i of the snapshot."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH

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
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if rows is not None:
            if len(rows) == 0:
                return []
            selector = faiss.IDSelectorBatch(np.asarray(rows, dtype=np.int64))
            # the SWIG keyword constructors are missing from faiss' type stubs
            if isinstance(self.index, faiss.IndexHNSWFlat):
                ef = max(HNSW_EF_SEARCH, limit)
                params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)  # type: ignore[attr-defined]
            else:
                params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, ids = self.index.search(q, min(limit, self.size), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def score_rows(self, query: np.ndarray, rows: Sequence[int]) -> dict[int, float]:
        """Exact similarity for given rows, so fusion can weigh lexical-only candidates."""
        if not rows:
            return {}
        vecs = self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        sims = vecs @ query.reshape(-1).astype(np.float32)
        return {int(r): float(s) for r, s in zip(rows, sims, strict=True)}

    def vectors(self) -> np.ndarray:
        return np.asarray(self.index.reconstruct_n(0, self.size), dtype=np.float32) if self.size else np.zeros((0, 0))
