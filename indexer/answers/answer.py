"""Answers as quotes: pick the sentence that answers from the top passages, cite it, find its twin."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from indexer.index.analysis import analyze
from indexer.index.embcache import text_key
from indexer.ingest.splitter import sentence_spans
from indexer.retrieval.citations import cite
from indexer.retrieval.search import Searcher, SearchFilters, SearchResult
from indexer.types import Citation, Passage

# Sentence score = SIM_WEIGHT * cosine(query, sentence) + OVERLAP_WEIGHT * share of query terms
# in the sentence + RANK_WEIGHT / passage rank. Confidence maps that score linearly between
# CONF_LOW and CONF_HIGH; answers below THRESHOLD are withheld. Set on the commission set
# (128 answerable, 12 unanswerable questions): a raw score of 0.92 (confidence 0.5) keeps
# 95 correct answers while answering 2 of 12 unanswerable questions; 0.88 would answer 8.
SIM_WEIGHT = 1.0
OVERLAP_WEIGHT = 0.15
RANK_WEIGHT = 0.02
CONF_LOW = 0.84
CONF_HIGH = 1.0
THRESHOLD = 0.5
PASSAGES = 5


@dataclass(frozen=True)
class Quote:
    passage: Passage
    char_start: int  # offsets into the document body
    char_end: int
    text: str
    citation: Citation


@dataclass
class Answer:
    question: str
    lang: str
    answered: bool
    confidence: float
    quote: Quote | None
    twin: Quote | None
    search: SearchResult
    message: str = ""
    candidates: list[tuple[float, Quote]] = field(default_factory=list)


class SentenceVectors:
    """Sentence embeddings computed on demand and kept in a bounded in-memory LRU."""

    def __init__(self, searcher: Searcher, capacity: int = 50_000) -> None:
        self.encoder = searcher.encoder
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            vecs = self.encoder.encode_passages([by_key[k] for k in missing])
            with self._lock:
                for key, vec in zip(missing, vecs, strict=True):
                    self._cache[key] = vec
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
        with self._lock:
            out = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, self.encoder.dim))
            for k in keys:
                self._cache.move_to_end(k)
        return out


class Answerer:
    def __init__(self, searcher: Searcher, threshold: float = THRESHOLD) -> None:
        self.searcher = searcher
        self.threshold = threshold
        self.sentences = SentenceVectors(searcher)

    def _quotes(self, passage: Passage) -> list[Quote]:
        doc = self.searcher.snapshot.documents[passage.doc_id]
        out = []
        for start, end in sentence_spans(passage.text, passage.lang):
            s, e = passage.char_start + start, passage.char_start + end
            out.append(Quote(passage, s, e, passage.text[start:end], cite(doc, passage, s, e)))
        return out

    def ask(
        self,
        question: str,
        lang: str = "auto",
        filters: SearchFilters | None = None,
        k: int = PASSAGES,
    ) -> Answer:
        result = self.searcher.search(question, k=k, mode="hybrid", lang=lang, filters=filters)
        asker = result.lang.lang
        scored: list[tuple[float, Quote]] = []
        qvec = self.searcher.query_vector(question)  # the search above encoded it: no second encode
        for hit in result.hits:
            # read the passage in the asker's language when its twin exists: sentence scores are
            # sharper within one language; the quote is mapped back to the language asked for
            reader = hit.passage
            if reader.lang != asker and hit.twin is not None:
                reader = hit.twin
            quotes = self._quotes(reader)
            if not quotes:
                continue
            sims = self.sentences.get([q.text for q in quotes]) @ qvec
            terms = set(analyze(question, reader.lang))
            for quote, sim in zip(quotes, sims, strict=True):
                overlap = len(terms & set(analyze(quote.text, reader.lang))) / len(terms) if terms else 0.0
                score = SIM_WEIGHT * float(sim) + OVERLAP_WEIGHT * overlap + RANK_WEIGHT / hit.rank
                scored.append((score, quote))
        scored.sort(key=lambda sq: -sq[0])
        if not scored:
            return Answer(question, asker, False, 0.0, None, None, result, "no confident answer: nothing matched")
        best_score, best = scored[0]
        twin = self.twin_quote(best)
        allowed = {h.passage.passage_id for h in result.hits}
        if best.passage.passage_id not in allowed and twin is not None:
            best, twin = twin, best  # the filter asked for the other language: quote that, keep the read one as twin
        confidence = float(np.clip((best_score - CONF_LOW) / (CONF_HIGH - CONF_LOW), 0.0, 1.0))
        answered = confidence >= self.threshold
        message = "" if answered else "no confident answer"
        return Answer(question, asker, answered, round(confidence, 4), best, twin, result, message, scored[:5])

    def twin_quote(self, quote: Quote) -> Quote | None:
        """The sentence of the aligned passage that best matches the quote (its translation)."""
        snapshot = self.searcher.snapshot
        row = snapshot.rows[quote.passage.passage_id]
        twin_rows = snapshot.twins.get(row)
        if not twin_rows:
            return None
        candidates = [q for r in twin_rows for q in self._quotes(snapshot.passages[r])]
        if not candidates:
            return None
        vecs = self.sentences.get([quote.text] + [c.text for c in candidates])
        sims = vecs[1:] @ vecs[0]
        return candidates[int(np.argmax(sims))]
