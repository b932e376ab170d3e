"""Search over one snapshot: detect the language, retrieve, rank (the learned model, or RRF), cite, highlight.

The types that cross its stages (options, filters, candidates, result) are in indexer.retrieval.stages
and importable from here."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from indexer.encoders import Encoder
from indexer.encoders.querycache import QUERY_VECTORS, QueryVectors
from indexer.index.snapshot import IndexSnapshot, check_encoder
from indexer.ingest.places import named_places
from indexer.retrieval import fusion, twins
from indexer.retrieval.citations import cite
from indexer.retrieval.crosslang import doc_mt_bm25, doc_mt_dense, translated_bm25
from indexer.retrieval.glossary import GLOSSARY_BOOST, default_glossary
from indexer.retrieval.grouping import GROUP_DEPTH, group_by_document
from indexer.retrieval.highlight import highlight_spans, query_terms
from indexer.retrieval.laps import Laps
from indexer.retrieval.querylang import QueryLanguage, detect_query_lang
from indexer.retrieval.ranker import load_ranker
from indexer.retrieval.sentence_evidence import best_sentence
from indexer.retrieval.stages import (
    Candidates,
    RankingConfig,
    Reach,
    SearchFilters,
    SearchResult,
    UnknownSearchOption,
    check_options,
)
from indexer.retrieval.when import Understood, is_context, matches, understand
from indexer.translate import Translator, default_translator
from indexer.types import LANGS, SearchHit

# 1.0: the least boost that puts the asked communiqué first for 90% of the dated dev questions (eval/README.md)
DATE_BOOST = 1.0

__all__ = ["Candidates", "RankingConfig", "SearchFilters", "SearchResult", "Searcher", "UnknownSearchOption"]


class Searcher:
    """One snapshot's search, as three public stages: `retrieve` -> `rank` -> `hits` (`search` composes them)."""

    def __init__(
        self,
        snapshot: IndexSnapshot,
        encoder: Encoder,
        config: RankingConfig | None = None,
        query_vectors: QueryVectors | None = QUERY_VECTORS,
        translator: Translator | None = None,
    ) -> None:
        """query_vectors: the LRU of query vectors (process-wide by default); None encodes every time.
        translator: the query translator (the process-wide one by default, started on first use)."""
        check_encoder(snapshot, encoder)
        self.snapshot = snapshot
        self.encoder = encoder
        self.config = config or RankingConfig()
        self.query_vectors = query_vectors
        self._translator = translator
        self._reaches: dict[tuple[SearchFilters, int], Reach] = {}  # the snapshot never changes: kept per filter

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = default_translator()
        return self._translator

    def query_vector(self, query: str) -> np.ndarray:
        """The query's vector, encoded once per (encoder, text) while it stays in the LRU."""
        if self.query_vectors is None:
            return self.encoder.encode_queries([query])[0]
        return self.query_vectors.get(self.encoder, query)

    @property
    def version(self) -> str:
        return self.snapshot.version

    def allowed_doc_ids(self, filters: SearchFilters) -> list[str] | None:
        """Filters are document attributes, so they reduce to a set of documents."""
        if not filters.active():
            return None
        return [doc.doc_id for doc in self.snapshot.documents.values() if filters.admits(doc)]

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
        fusion_method: str = "learned",
        group: str = "none",
    ) -> SearchResult:
        """retrieve, rank and cite the top `k` passages (with group="document": the best passage of
        each of the top `k` documents); unknown modes, fusions or groups are an error."""
        check_options(mode, fusion_method, group)
        started = time.perf_counter()
        laps = Laps()
        candidates = self.retrieve(query, k, mode, lang, filters, laps)
        others: dict[int, list[int]] = {}
        if group == "document":
            deep = self.rank(candidates, k * GROUP_DEPTH, fusion_method)
            ranked, others = group_by_document(deep, self.snapshot.passages.doc_id, k)
        else:
            ranked = self.rank(candidates, k, fusion_method)
        laps.lap("fusion")
        hits = self.hits(candidates, ranked)
        laps.lap("hits")
        took_ms = round((time.perf_counter() - started) * 1000, 2)
        used_fusion = fusion_method if mode == "hybrid" else "none"
        stages = {name: round(ms, 3) for name, ms in laps.ms.items()}
        result = SearchResult(query, candidates.lang, mode, used_fusion, k, self.version, took_ms, hits, stages)
        result.translation = candidates.translation
        result.understood = candidates.understood if date_boost(candidates) else None
        if group == "document":
            ids = self.snapshot.passages.passage_ids
            result.group = group
            result.others = {ids[row]: [ids[r] for r in rest] for row, rest in others.items()}
        return result

    def retrieve(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        lang: str = "auto",
        filters: SearchFilters | None = None,
        laps: Laps | None = None,
    ) -> Candidates:
        """Each retriever's evidence for `query`, deep enough (max(depth_factor * k, min_depth)) for ranking."""
        check_options(mode)
        laps = laps or Laps()
        filters = filters or SearchFilters()
        qlang = self.detect(query, lang)
        reach = self._reach(filters, max(self.config.depth_factor * k, self.config.min_depth))
        snapshot = self.snapshot
        out = Candidates(query, qlang, mode, k, filters)
        # filtered to the other language: a twin's evidence stands in for the text asked for
        across = filters.doc_lang is not None and filters.doc_lang != qlang.lang
        if filters.understand:
            self._understand(out)
        laps.lap("detect")
        qvec: np.ndarray | None = None
        if mode in ("hybrid", "bm25"):
            expansions = default_glossary().expand(query) if self.config.glossary else []
            lex_query = snapshot.lexical.query(query, qlang.analyze_with, expansions, GLOSSARY_BOOST)
            laps.lap("analyze")
            raw = snapshot.lexical.run(lex_query, reach.depth, reach.docs)
            if across:
                out.lexical_top = twins.lending_top(snapshot.lexical, lex_query, snapshot.passages, qlang.lang)
            laps.lap("bm25")
            out.lexical, lent_by = twins.propagate(snapshot, dict(raw), reach.allowed, reach.hidden)
            out.lent = frozenset(lent_by)
            laps.lap("fusion")
            translated_bm25(snapshot, self.config, self.translator, out, reach, laps)
            doc_mt_bm25(snapshot, self.config, out, reach, laps)
        if mode in ("hybrid", "dense"):
            qvec = self.query_vector(query)
            laps.lap("encode")
            raw_dense = snapshot.vectors.search(qvec, reach.depth, reach.rows)
            laps.lap("ann")
            discount = twins.LENT_DENSE_ACROSS if across else twins.TWIN_DISCOUNT
            out.dense, _ = twins.propagate(snapshot, dict(raw_dense), reach.allowed, reach.hidden, discount)
            doc_mt_dense(snapshot, self.config, qvec, out, reach, laps)
        if mode == "hybrid" and qvec is not None:
            # exact similarity of lexical-only candidates, computed once: the ranker weighs them, and every
            # hit reports its dense score
            missing = [
                r for r in {**out.lexical, **out.translated, **out.doc_mt, **out.doc_mt_dense} if r not in out.dense
            ]
            out.extra = snapshot.vectors.score_rows(qvec, missing)
            # one gather and one product over the candidates' sentences: a feature of the ranker
            if snapshot.sentences is not None:
                out.sentence = best_sentence(snapshot.sentences, qvec, [*out.dense, *out.extra])
                laps.lap("sentences")
        return out

    def rank(self, candidates: Candidates, k: int, fusion_method: str = "learned") -> list[tuple[int, float]]:
        """The top `k` (row, score); without a language filter each aligned pair appears once.

        Hybrid search is scored by the learned model (fusion="learned") or by reciprocal rank fusion
        ("rrf"); BM25 and dense modes by their own lists (indexer.retrieval.fusion)."""
        check_options(candidates.mode, fusion_method)
        learned = candidates.mode == "hybrid" and fusion_method == "learned"
        if candidates.mode == "bm25":
            fused = fusion.lexical(candidates, self.snapshot.passages)
        elif candidates.mode == "dense":
            fused = candidates.dense
        elif learned:
            fused = load_ranker(self.config.model).score(candidates, self.snapshot)  # the date is one of its features
        else:
            fused = fusion.rrf_hybrid(candidates, self.config.rrf_k, self.snapshot.passages)
        if candidates.preferred and date_boost(candidates) and not learned:
            doc_id, boost = self.snapshot.passages.doc_id, 1.0 + date_boost(candidates)
            fused = {r: s * boost if doc_id(r) in candidates.preferred else s for r, s in fused.items()}
        if candidates.filters.doc_lang is None:
            # every candidate goes in: a pair's two rows can score far apart (the learned ranker weighs the
            # query's language), and the pair must be shown in the asker's language whatever the page size
            return twins.collapse_twins(self.snapshot, fusion.top(fused, len(fused)), candidates.lang.lang, k)
        return fusion.top(fused, k)

    def hits(self, candidates: Candidates, ranked: list[tuple[int, float]]) -> list[SearchHit]:
        """Ranked rows as hits: passage, per-retriever scores and ranks, citation, highlights, twin."""
        snapshot, passages = self.snapshot, self.snapshot.passages
        lexical, dense = candidates.lexical, {**candidates.dense, **candidates.extra}
        bm25_rank, dense_rank = _ranks(lexical), _ranks(candidates.dense)
        terms = {lg: query_terms(candidates.query, lg) for lg in {passages.lang(row) for row, _ in ranked}}
        out = []
        for rank, (row, score) in enumerate(ranked, start=1):
            passage = passages[row]
            twin_rows = snapshot.twins.get(row)
            twin = passages[twin_rows[0]] if twin_rows else None
            hit = SearchHit(
                rank=rank,
                score=round(float(score), 6),
                scores={"bm25": lexical.get(row), "dense": dense.get(row)},
                ranks={"bm25": bm25_rank.get(row), "dense": dense_rank.get(row)},
                passage=passage,
                citation=cite(snapshot.documents[passage.doc_id], passage),
                highlights=highlight_spans(terms[passage.lang], passage.text, passage.lang),
                twin=twin,
                twin_citation=cite(snapshot.documents[twin.doc_id], twin) if twin else None,
                superseded_by=snapshot.superseded_by.get(passage.doc_id),
            )
            out.append(hit)
        return out

    def _understand(self, out: Candidates) -> None:
        """The date, meeting or place (a header's, metadata: indexer.ingest.places) the query names, and the documents
        of it: with a date and a place ("Oaxaca 1999") those of both, else the date's, else the place's."""
        places, named = self.snapshot.places, sorted(named_places(out.query, self.snapshot.places, is_context))
        understood = understand(out.query, out.lang.lang) or (Understood(", ".join(named).title()) if named else None)
        if understood is None:
            return
        out.understood = replace(understood, place=", ".join(named).title() or None)
        docs = self.snapshot.documents.values()
        matched = {d.doc_id for d in docs if matches(understood, d.date, d.meta.get("meeting_number"))}
        at = {d for key in named for d in places[key]}
        out.preferred = frozenset(matched & at or matched or at)

    def _reach(self, filters: SearchFilters, depth: int) -> Reach:
        """The allowed documents and their translations, so that evidence found on a twin (the Spanish
        paragraph for a Spanish query) can lift the passage asked for; superseded versions are hidden
        unless asked for (or named in a doc_ids filter). Read-only, kept for the next search with the same filters."""
        key = (filters, depth)
        if key in self._reaches:
            return self._reaches[key]
        allowed = self.allowed_doc_ids(filters)
        docs = None if allowed is None else sorted(twins.with_twin_docs(self.snapshot, allowed))
        rows = None if docs is None else [r for d in docs for r in self.snapshot.doc_rows.get(d, [])]
        superseded = self.snapshot.superseded_by
        hidden = set() if filters.include_superseded or not superseded else set(superseded) - set(filters.doc_ids or ())
        if len(self._reaches) >= 64:  # date ranges and id lists vary without end: a small memo
            self._reaches.clear()
        self._reaches[key] = Reach(depth, docs, rows, None if allowed is None else set(allowed), hidden)
        return self._reaches[key]


def date_boost(candidates: Candidates) -> float:
    """The untrained rankings' preference for the understood date's documents (their scores times 1 + it);
    none when the date is only context (indexer.retrieval.when.is_context)."""
    understood = candidates.understood
    return 0.0 if understood is not None and understood.context else DATE_BOOST


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    return {row: i for i, (row, _) in enumerate(fusion.top(scores, len(scores)), start=1)}
