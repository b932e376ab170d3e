"""Hybrid search over one snapshot: detect language, retrieve, fuse, cite, highlight."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from indexer import fusion
from indexer.analysis import analyze, term_spans
from indexer.citations import cite
from indexer.encoders import Encoder
from indexer.querylang import QueryLanguage, detect_query_lang
from indexer.store import IndexSnapshot, check_encoder
from indexer.types import LANGS, SearchHit

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["rrf", "weighted"]
MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")
FUSIONS: tuple[str, ...] = ("rrf", "weighted")


@dataclass(frozen=True)
class FusionConfig:
    """Defaults chosen on the XQuAD dev split with `bnc eval --tune` (see eval/README.md)."""

    rrf_k: int = fusion.RRF_K
    rrf_weights: tuple[float, float] = (1.0, 1.0)  # (bm25, dense)
    weights: tuple[float, float] = (0.3, 0.7)  # (bm25, dense) for the weighted combination
    cross_lang_bm25: float = 0.3  # lexical evidence on a passage in the other language counts less
    min_depth: int = 100
    depth_factor: int = 10


@dataclass(frozen=True)
class SearchFilters:
    doc_lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_ids: tuple[str, ...] | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.doc_lang, self.date_from, self.date_to, self.doc_ids))


@dataclass
class SearchResult:
    query: str
    lang: QueryLanguage
    mode: str
    fusion: str
    k: int
    version: str
    took_ms: float
    hits: list[SearchHit] = field(default_factory=list)


class Searcher:
    def __init__(self, snapshot: IndexSnapshot, encoder: Encoder, config: FusionConfig | None = None) -> None:
        check_encoder(snapshot, encoder)
        self.snapshot = snapshot
        self.encoder = encoder
        self.config = config or FusionConfig()

    @property
    def version(self) -> str:
        return self.snapshot.version

    def allowed_doc_ids(self, filters: SearchFilters) -> list[str] | None:
        """Filters are document attributes, so they reduce to a set of documents."""
        if not filters.active():
            return None
        out = []
        for doc in self.snapshot.documents.values():
            if filters.doc_lang and doc.lang != filters.doc_lang:
                continue
            if filters.doc_ids is not None and doc.doc_id not in filters.doc_ids:
                continue
            if filters.date_from and (not doc.date or doc.date < filters.date_from):
                continue
            if filters.date_to and (not doc.date or doc.date > filters.date_to):
                continue
            out.append(doc.doc_id)
        return out

    def detect(self, query: str, lang: str = "auto") -> QueryLanguage:
        if lang in LANGS:
            return QueryLanguage(lang, 1.0, (lang,))
        return detect_query_lang(query)

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        lang: str = "auto",
        filters: SearchFilters | None = None,
        fusion_method: str = "rrf",
    ) -> SearchResult:
        started = time.perf_counter()
        filters = filters or SearchFilters()
        qlang = self.detect(query, lang)
        depth = max(self.config.depth_factor * k, self.config.min_depth)
        allowed = self.allowed_doc_ids(filters)
        rows = None if allowed is None else [r for d in allowed for r in self.snapshot.doc_rows.get(d, [])]

        lexical: list[tuple[int, float]] = []
        dense: list[tuple[int, float]] = []
        qvec: np.ndarray | None = None
        if mode in ("hybrid", "bm25"):
            lexical = self.snapshot.lexical.search(query, qlang.analyze_with, depth, allowed)
        if mode in ("hybrid", "dense"):
            qvec = self.encoder.encode_queries([query])[0]
            dense = self.snapshot.vectors.search(qvec, depth, rows)

        bm25_scores = dict(lexical)
        dense_scores = dict(dense)
        if mode == "bm25":
            ranked = fusion.top(bm25_scores, k)
        elif mode == "dense":
            ranked = fusion.top(dense_scores, k)
        else:
            ranked = self._fuse(qlang, lexical, dense, qvec, fusion_method, k)
            if qvec is not None:
                dense_scores.update(
                    self.snapshot.vectors.score_rows(qvec, [r for r, _ in ranked if r not in dense_scores])
                )
        bm25_rank = {r: i for i, (r, _) in enumerate(lexical, start=1)}
        dense_rank = {r: i for i, (r, _) in enumerate(dense, start=1)}
        hits = [
            self._hit(rank, row, score, query, bm25_scores, dense_scores, bm25_rank, dense_rank, mode)
            for rank, (row, score) in enumerate(ranked, start=1)
        ]
        took = (time.perf_counter() - started) * 1000
        used_fusion = fusion_method if mode == "hybrid" else "none"
        return SearchResult(query, qlang, mode, used_fusion, k, self.version, round(took, 2), hits)

    def _cross_weights(self, qlang: QueryLanguage, rows: list[int]) -> dict[int, float]:
        """Lexical matches on passages in the other language are mostly names and cognates."""
        if len(qlang.analyze_with) != 1:
            return {}
        w = self.config.cross_lang_bm25
        passages = self.snapshot.passages
        return {r: w for r in rows if passages[r].lang != qlang.lang}

    def _fuse(
        self,
        qlang: QueryLanguage,
        lexical: list[tuple[int, float]],
        dense: list[tuple[int, float]],
        qvec: np.ndarray | None,
        method: str,
        k: int,
    ) -> list[tuple[int, float]]:
        cfg = self.config
        item_weights = {"bm25": self._cross_weights(qlang, [r for r, _ in lexical])}
        if method == "weighted":
            dense_scores = dict(dense)
            if qvec is not None:
                missing = [r for r, _ in lexical if r not in dense_scores]
                dense_scores.update(self.snapshot.vectors.score_rows(qvec, missing))
            weights = {"bm25": cfg.weights[0], "dense": cfg.weights[1]}
            fused = fusion.weighted({"bm25": dict(lexical), "dense": dense_scores}, weights, item_weights)
        else:
            rankings = {"bm25": [r for r, _ in lexical], "dense": [r for r, _ in dense]}
            weights = {"bm25": cfg.rrf_weights[0], "dense": cfg.rrf_weights[1]}
            fused = fusion.rrf(rankings, weights, cfg.rrf_k, item_weights)
        return fusion.top(fused, k)

    def _hit(
        self,
        rank: int,
        row: int,
        score: float,
        query: str,
        bm25_scores: dict[int, float],
        dense_scores: dict[int, float],
        bm25_rank: dict[int, int],
        dense_rank: dict[int, int],
        mode: str,
    ) -> SearchHit:
        passage = self.snapshot.passages[row]
        doc = self.snapshot.documents[passage.doc_id]
        return SearchHit(
            rank=rank,
            score=round(float(score), 6),
            scores={"bm25": bm25_scores.get(row), "dense": dense_scores.get(row)},
            ranks={"bm25": bm25_rank.get(row), "dense": dense_rank.get(row)},
            passage=passage,
            citation=cite(doc, passage),
            highlights=highlight_spans(query, passage.text, passage.lang),
        )


def highlight_spans(query: str, text: str, lang: str) -> list[tuple[int, int]]:
    """Offsets (into the passage text) of words whose analyzed form is a query term."""
    terms = set(analyze(query, lang))
    if not terms:
        return []
    return [(start, end) for term, start, end in term_spans(text, lang) if term in terms]
