"""What retrieval asks of a snapshot's lexical and vector indexes: local (tantivy, FAISS) or Milvus-backed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

BACKENDS = ("local", "milvus")


class LexicalBackend(Protocol):
    """BM25 top-N rows: `query` analyzes once (None when nothing survives), `run` searches."""

    def query(
        self, text: str, langs: Sequence[str], expansions: Sequence[tuple[str, str]] = (), expansion_boost: float = 0.5
    ) -> Any: ...

    def run(self, query: Any, limit: int, doc_ids: Sequence[str] | None = None) -> list[tuple[int, float]]: ...


class VectorBackend(Protocol):
    """Inner-product top-N rows, and exact similarity of given rows."""

    @property
    def size(self) -> int: ...

    def search(self, query: np.ndarray, limit: int, rows: Sequence[int] | None = None) -> list[tuple[int, float]]: ...

    def score_rows(self, query: np.ndarray, rows: Sequence[int]) -> dict[int, float]: ...

    def vectors(self) -> np.ndarray: ...
