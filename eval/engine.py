"""Build and open the evaluation index; memoize query vectors and retriever lists within a run."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from eval.baseline import RankBM25Baseline
from indexer.build import BuildReport, build_index
from indexer.encoders import Encoder, Progress
from indexer.lexical import LexicalIndex
from indexer.search import FusionConfig, Searcher
from indexer.store import IndexSnapshot, open_snapshot
from indexer.types import Document
from indexer.vectors import VectorIndex


class MemoEncoder:
    """Same id and dim as the wrapped encoder, so the index accepts it; each query is encoded once."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.id = inner.id
        self.dim = inner.dim
        self._memo: dict[str, np.ndarray] = {}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            for text, vec in zip(missing, self.inner.encode_queries(missing), strict=True):
                self._memo[text] = vec
        return np.stack([self._memo[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self.inner.encode_passages(texts, progress)

    def prime(self, texts: Sequence[str], batch_size: int = 32, progress: Progress | None = None) -> None:
        """Encode many queries up front in batches: far cheaper than one call per query."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        for i in range(0, len(missing), batch_size):
            self.encode_queries(missing[i : i + batch_size])
            if progress:
                progress(len(missing[i : i + batch_size]))


def _freeze(value: Any) -> Hashable:
    """A hashable stand-in for call arguments (sequences become tuples, vectors their bytes)."""
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, list | tuple):
        flat = tuple(value)
        try:
            hash(flat)  # the common case (ints, strings): hashed in C, no recursion
        except TypeError:
            return tuple(_freeze(v) for v in value)
        return flat
    if isinstance(value, set | frozenset):
        return frozenset(_freeze(v) for v in value)
    return value if isinstance(value, Hashable) else repr(value)


class MemoLexical(LexicalIndex):
    """The snapshot's lexical index; each distinct search is run once (the signature is passed through)."""

    def __init__(self, inner: LexicalIndex) -> None:  # no super().__init__: it would reopen the index
        self.inner = inner
        self._memo: dict[Hashable, list[tuple[int, float]]] = {}

    def query(self, *args: Any, **kwargs: Any) -> Any:
        # building the query is deferred: its arguments are the memo key, resolved by run()
        return _Deferred(args, kwargs, (_freeze(args), _freeze(sorted(kwargs.items()))))

    def run(self, query: Any, limit: int, doc_ids: Any = None) -> list[tuple[int, float]]:
        key = (query.key, limit, _freeze(doc_ids))
        if key not in self._memo:
            self._memo[key] = self.inner.run(self.inner.query(*query.args, **query.kwargs), limit, doc_ids)
        return self._memo[key]


@dataclass(frozen=True)
class _Deferred:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    key: Hashable


class MemoVectors(VectorIndex):
    """The snapshot's vector index; each distinct (query vector, depth, rows) search is run once."""

    def __init__(self, inner: VectorIndex) -> None:  # shares the FAISS index, copies nothing
        self.inner = inner
        self.index = inner.index
        self._memo: dict[Hashable, list[tuple[int, float]]] = {}

    def search(self, *args: Any, **kwargs: Any) -> list[tuple[int, float]]:
        key = (_freeze(args), _freeze(sorted(kwargs.items())))
        if key not in self._memo:
            self._memo[key] = self.inner.search(*args, **kwargs)
        return self._memo[key]


@dataclass
class EvalIndex:
    """One built snapshot, wrapped for repeated evaluation, plus the rank-bm25 baseline over its passages."""

    snapshot: IndexSnapshot
    encoder: MemoEncoder
    baseline: RankBM25Baseline
    report: BuildReport | None = None

    def searcher(self, config: FusionConfig | None = None) -> Searcher:
        return Searcher(self.snapshot, self.encoder, config)


def index_documents(documents: list[Document], link_translations: bool = True) -> list[Document]:
    """The documents as indexed: optionally without translation links, checksums tagged with the link.

    The incremental build re-aligns only documents whose checksum changed; tagging it with
    translation_of makes a changed link count as a change (in-memory documents hash the body only).
    """
    docs = documents if link_translations else [replace(d, translation_of=None) for d in documents]
    return [replace(d, sha256=f"{d.sha256}:{d.translation_of or '-'}") for d in docs]


def open_eval_index(
    documents: list[Document],
    index_dir: Path,
    encoder: Encoder,
    progress: bool = False,
    link_translations: bool = True,
) -> EvalIndex:
    """Index `documents` with the production build (vectors are reused from index_dir's caches)."""
    docs = index_documents(documents, link_translations)
    report = build_index(docs, index_dir, encoder, progress=progress, wait_for_lock=True)
    snapshot = open_snapshot(index_dir)
    snapshot.lexical = MemoLexical(snapshot.lexical)
    snapshot.vectors = MemoVectors(snapshot.vectors)
    return EvalIndex(snapshot, MemoEncoder(encoder), RankBM25Baseline(snapshot.passages), report)
