"""Build and open the evaluation index; memoize query vectors and retrievals within a run."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from eval.baseline import RankBM25Baseline
from indexer.encoders import Encoder, Progress
from indexer.index.build import BuildReport, build_index
from indexer.index.snapshot import IndexSnapshot, open_snapshot
from indexer.retrieval.laps import Laps
from indexer.retrieval.search import Candidates, RankingConfig, Searcher, SearchFilters
from indexer.types import Document


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


RetrievalKey = tuple[str, int, str, SearchFilters, RankingConfig]


class CachedSearcher(Searcher):
    """The production searcher with a cache in front of `retrieve`, shared by every config of one index.

    One hybrid retrieval per (query, k, language, filters, config) serves the hybrid,
    bm25 and dense modes alike: their lexical and dense evidence is the same."""

    def __init__(self, ix: EvalIndex, config: RankingConfig | None = None) -> None:
        super().__init__(ix.snapshot, ix.encoder, config)
        self.cache = ix.retrievals

    def retrieve(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        lang: str = "auto",
        filters: SearchFilters | None = None,
        laps: Laps | None = None,
    ) -> Candidates:
        filters = filters or SearchFilters()
        key: RetrievalKey = (query, k, lang, filters, self.config)
        both = self.cache.get(key)
        if both is None:
            both = self.cache[key] = super().retrieve(query, k, "hybrid", lang, filters)
        if mode == "hybrid":
            return both
        if mode == "bm25":
            return replace(both, mode="bm25", dense={}, extra={})
        return replace(both, mode="dense", lexical={}, extra={})


@dataclass
class EvalIndex:
    """One built snapshot, wrapped for repeated evaluation, plus the rank-bm25 baseline over its passages."""

    snapshot: IndexSnapshot
    encoder: MemoEncoder
    baseline: RankBM25Baseline
    report: BuildReport | None = None
    retrievals: dict[RetrievalKey, Candidates] = field(default_factory=dict)

    def searcher(self, config: RankingConfig | None = None) -> Searcher:
        return CachedSearcher(self, config)


def index_documents(documents: list[Document], link_translations: bool = True) -> list[Document]:
    """The documents as indexed: optionally without translation links, checksums tagged with the link.

    The incremental build re-aligns only documents whose checksum changed; tagging it with
    translation_of (and the refused links) makes a changed link count as a change (in-memory
    documents hash the body only).
    """
    docs = documents if link_translations else _unlinked(documents)
    return [replace(d, sha256=f"{d.sha256}:{d.translation_of or '-'}{_refusal(d)}") for d in docs]


def _unlinked(documents: list[Document]) -> list[Document]:
    """The documents without translation links, each refusing every other-language document as a
    detected link too: the build pairs translations automatically (indexer.index.pairing), and a
    parallel set would be aligned all the same (refusing only the true twin lets it pick a wrong
    one), so "without translations" would not measure cross-language retrieval."""
    by_lang: dict[str, list[str]] = {}
    for d in documents:
        by_lang.setdefault(d.lang, []).append(d.doc_id)
    out = []
    for d in documents:
        others = sorted(x for lang, ids in by_lang.items() if lang != d.lang for x in ids)
        refused = ",".join(x for x in (d.meta.get("not_translation_of", ""), *others) if x)
        out.append(replace(d, translation_of=None, meta={**d.meta, "not_translation_of": refused}))
    return out


def _refusal(doc: Document) -> str:
    refused = doc.meta.get("not_translation_of", "")
    return f"!{hashlib.sha256(refused.encode()).hexdigest()[:12]}" if refused else ""


def open_eval_index(
    documents: list[Document],
    index_dir: Path,
    encoder: Encoder,
    progress: bool = False,
    link_translations: bool = True,
    milvus_uri: str | None = None,
) -> EvalIndex:
    """Index `documents` with the production build (vectors are reused from index_dir's caches); with
    `milvus_uri`, also into Milvus, and search there."""
    docs = index_documents(documents, link_translations)
    report = build_index(docs, index_dir, encoder, progress=progress, wait_for_lock=True, milvus_uri=milvus_uri)
    snapshot = open_snapshot(index_dir, milvus_uri=milvus_uri)
    return EvalIndex(snapshot, MemoEncoder(encoder), RankBM25Baseline(snapshot.passages), report)


CACHE_SEEDS = {"xquad-single": "xquad"}  # a set made of another's texts starts from its embedding cache


def seed_cache(index_dir: Path, seed_dir: Path) -> None:
    """A new eval index whose texts another set already encoded copies that set's embedding cache first."""
    cache, seed = index_dir / "cache" / "embeddings.sqlite", seed_dir / "cache" / "embeddings.sqlite"
    if seed_dir != index_dir and not cache.exists() and seed.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, cache)  # keyed by encoder and text: only texts it lacks are encoded
