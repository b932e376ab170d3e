"""Fast fusion sweeps: record each query's retriever evidence once, then re-fuse it per setting."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, replace
from typing import Any

from indexer import fusion
from indexer.citations import cite
from indexer.search import FusionConfig, Searcher, SearchFilters
from indexer.types import SearchHit

# only these act inside fusion alone; every other FusionConfig field (cross-language weight,
# depth, glossary) is applied before fusion and needs a real search pass
FUSION_ONLY = ("rrf_k", "rrf_weights", "weights")


def retrieval_key(config: FusionConfig) -> FusionConfig:
    """Configs with equal keys retrieve the same evidence (they differ only in how it is fused)."""
    return replace(config, **{name: getattr(FusionConfig(), name) for name in FUSION_ONLY})


@dataclass
class Evidence:
    """The arguments search() handed to Searcher._fuse for one query, by parameter name."""

    arguments: dict[str, Any]
    lang: str = ""
    filtered: bool = False


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value  # search() adds to its dicts after fusing


class RecordingSearcher(Searcher):
    """The production searcher; it keeps the evidence handed to fusion and builds light hits."""

    last: Evidence | None = None

    def _fuse(self, *args: Any, **kwargs: Any) -> dict[int, float]:
        bound = inspect.signature(Searcher._fuse).bind(self, *args, **kwargs)
        self.last = Evidence({k: _copy(v) for k, v in bound.arguments.items() if k != "self"})
        return super()._fuse(*args, **kwargs)

    def _hit(self, rank: int, row: int, score: float, *args: Any, **kwargs: Any) -> SearchHit:
        """Rank, score and passage are all a sweep reads: no highlighting, no twin citation."""
        passage = self.snapshot.passages[row]
        doc = self.snapshot.documents[passage.doc_id]
        return SearchHit(rank, score, {}, {}, passage, cite(doc, passage))

    def record(self, query: str, lang: str, doc_lang: str | None, k: int) -> Evidence:
        """One real hybrid search; returns the evidence fusion saw."""
        self.last = None
        result = self.search(query, k=k, mode="hybrid", lang=lang, filters=SearchFilters(doc_lang=doc_lang))
        if self.last is None:
            raise RuntimeError("hybrid search did not reach fusion")
        return replace(self.last, lang=result.lang.lang, filtered=doc_lang is not None)

    def refuse(self, evidence: Evidence, config: FusionConfig, method: str, k: int) -> list[int]:
        """Rows of the top k for `config` and method rrf or weighted: search()'s steps after retrieval."""
        self.config = config
        fused = self._fuse(**{**evidence.arguments, "method": method})
        ranked = fusion.top(fused, len(fused))
        if not evidence.filtered:
            ranked = self._collapse_twins(ranked, evidence.lang)
        return [row for row, _ in ranked[:k]]
