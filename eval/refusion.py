"""Fast fusion sweeps: retrieve each query once with the public `retrieve` stage, then `rank` it per setting."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.retrieval.search import Candidates, FusionConfig, Searcher, SearchFilters

# only these act inside fusion alone; every other FusionConfig field (cross-language weight,
# depth, glossary, doc_mt_dense: at 0 it is not retrieved) is applied before fusion and needs a real retrieval pass
FUSION_ONLY = (
    "rrf_k",
    "rrf_weights",
    "weights",
    "translated_bm25",
    "translated_bm25_lexical",
    "translated_dense",
    "doc_mt_bm25",
    "rrf_doc_mt",
    "rrf_doc_mt_dense",
    "cross_weights",
    "cross_normalization",
    "rrf_translated",
    "normalization",
    "bm25_floor",
    "dense_floor",
    "date_boost",
    "context_date_boost",
    "mixed_combine",
)

# weights that gate their evidence (at 0 it is not computed) but act inside fusion otherwise: configs
# that differ only in their size, not in whether they are 0, retrieve the same evidence
GATES = ("sentence_dense", "sentence_dense_mixed", "translated_bm25_mixed", "doc_mt_bm25_mixed", "doc_mt_dense_mixed")


def retrieval_key(config: FusionConfig) -> FusionConfig:
    """Configs with equal keys retrieve the same evidence (they differ only in how it is fused)."""
    fields: dict[str, Any] = {name: getattr(FusionConfig(), name) for name in FUSION_ONLY}
    fields.update({name: float(bool(getattr(config, name))) for name in GATES})
    return replace(config, **fields)


def record(searcher: Searcher, query: str, lang: str, doc_lang: str | None, k: int) -> Candidates:
    """One real hybrid retrieval: the evidence every fusion setting is ranked from."""
    return searcher.retrieve(query, k=k, mode="hybrid", lang=lang, filters=SearchFilters(doc_lang=doc_lang))


def refuse(searcher: Searcher, candidates: Candidates, config: FusionConfig, method: str, k: int) -> list[int]:
    """Rows of the top k under `config` and method rrf or weighted: exactly what search() would return."""
    return [row for row, _ in searcher.rank(candidates, k, method, config)]
