"""Fast fusion sweeps: retrieve each query once with the public `retrieve` stage, then `rank` it per setting."""

from __future__ import annotations

from dataclasses import replace

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
)


def retrieval_key(config: FusionConfig) -> FusionConfig:
    """Configs with equal keys retrieve the same evidence (they differ only in how it is fused)."""
    return replace(config, **{name: getattr(FusionConfig(), name) for name in FUSION_ONLY})


def record(searcher: Searcher, query: str, lang: str, doc_lang: str | None, k: int) -> Candidates:
    """One real hybrid retrieval: the evidence every fusion setting is ranked from."""
    return searcher.retrieve(query, k=k, mode="hybrid", lang=lang, filters=SearchFilters(doc_lang=doc_lang))


def refuse(searcher: Searcher, candidates: Candidates, config: FusionConfig, method: str, k: int) -> list[int]:
    """Rows of the top k under `config` and method rrf or weighted: exactly what search() would return."""
    return [row for row, _ in searcher.rank(candidates, k, method, config)]
