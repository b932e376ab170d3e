"""Answers as quotes: pick the sentence that answers from the top passages, cite it, find its twin.

Sentences are scored by a learned model (indexer.answers.scoring) over features of each sentence;
the confidence is a calibrated probability that the quote contains the answer. Inside the quote the
answer phrase (the date, the number, the name the question asks for) is marked with document offsets.
Nothing is generated: the quote is always the document's own sentence(s).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from indexer.answers.answer_type import (
    FACTOID,
    answer_phrase,
    fold,
    has_answer_phrase,
    is_question,
    question_type,
    question_words,
)
from indexer.answers.scoring import CONFIDENCE_FEATURES, SENTENCE_FEATURES, AnswerModel, default_model
from indexer.answers.sentence_source import SentenceSource
from indexer.index.analysis import analyze
from indexer.retrieval.citations import cite
from indexer.retrieval.search import Searcher, SearchFilters, SearchResult
from indexer.types import Citation, Document, Passage

PASSAGES = 5
THRESHOLD = 0.5  # the shipped model's own threshold replaces this; kept for the page's wording
LIST_MARGIN = 1.0  # list answers: further sentences within this logit of the best join the answer
LIST_TYPES = ("agreement",)
NOT_A_QUESTION = "no answer card for a keyword search: ask a question to get a quoted answer"


@dataclass(frozen=True)
class Quote:
    passage: Passage
    char_start: int  # offsets into the document body
    char_end: int
    text: str
    doc: Document = field(repr=False, compare=False)

    @functools.cached_property
    def citation(self) -> Citation:
        """Cited on first use: of the dozens of sentences scored, one or two are shown."""
        return cite(self.doc, self.passage, self.char_start, self.char_end)


@dataclass(frozen=True)
class Candidate:
    """One scored sentence: where it was read, what is quoted, its features and model logit."""

    reader: Quote  # the sentence scored (in the asker's language when a twin exists)
    served: Quote  # what would be quoted (the hit's own language)
    twin: Quote | None
    index: int  # sentence index within the reader passage
    features: np.ndarray
    logit: float = 0.0


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
    candidates: list[Candidate] = field(default_factory=list)
    kind: str = "other"  # the answer type asked for (indexer.answers.answer_type)
    phrase: tuple[int, int] | None = None  # the answer phrase, offsets into the quote's document body
    more: list[Quote] = field(default_factory=list)  # list answers: further quotes, ranked


class Answerer:
    def __init__(self, searcher: Searcher, model: AnswerModel | None = None) -> None:
        self.searcher = searcher
        self.model = model or default_model()
        self.threshold = self.model.threshold
        self.sentences = SentenceSource(searcher)

    def _quotes(self, passage: Passage) -> tuple[list[Quote], np.ndarray]:
        doc = self.searcher.snapshot.documents[passage.doc_id]
        spans, vecs = self.sentences.of(passage)
        out = []
        for start, end in spans:
            s, e = passage.char_start + start, passage.char_start + end
            out.append(Quote(passage, s, e, passage.text[start:end], doc))
        return out, vecs

    def _span(self, passage: Passage, start: int, end: int) -> Quote:
        """A quote of document offsets [start, end) inside `passage`."""
        doc = self.searcher.snapshot.documents[passage.doc_id]
        text = passage.text[start - passage.char_start : end - passage.char_start]
        return Quote(passage, start, end, text, doc)

    def _twin_sentences(self, passage: Passage) -> tuple[list[Quote], np.ndarray]:
        snapshot = self.searcher.snapshot
        quotes: list[Quote] = []
        vecs: list[np.ndarray] = []
        for r in snapshot.twins.get(snapshot.rows[passage.passage_id], []):
            q, v = self._quotes(snapshot.passages[r])
            quotes += q
            vecs.append(v)
        return quotes, (np.concatenate(vecs) if vecs else np.zeros((0, 1), dtype=np.float32))

    def candidates(self, question: str, result: SearchResult, kind: str) -> list[Candidate]:
        """Every sentence of the hits with its features (in SENTENCE_FEATURES order), unscored."""
        asker = result.lang.lang
        qvec = self.searcher.query_vector(question)  # the search encoded it: no second encode
        rows = [self.searcher.snapshot.rows[h.passage.passage_id] for h in result.hits]
        passage_cos = self.searcher.snapshot.vectors.score_rows(qvec, rows)
        top_score = max((h.score for h in result.hits), default=1.0) or 1.0
        raw: list[_Raw] = []
        qwords = question_words(question)
        for hit, row in zip(result.hits, rows, strict=True):
            # read the passage in the asker's language when its twin exists: sentence scores are
            # sharper within one language; the quote is mapped back to the language asked for
            reader = hit.twin if hit.passage.lang != asker and hit.twin is not None else hit.passage
            quotes, vecs = self._quotes(reader)
            if not quotes:
                continue
            sims = vecs @ qvec
            twins, twin_vecs = self._twin_sentences(reader)
            aligned = np.argmax(vecs @ twin_vecs.T, axis=1) if twins else None
            terms = set(analyze(question, reader.lang))
            first_of_passage = len(raw)
            for i, (quote, sim) in enumerate(zip(quotes, sims, strict=True)):
                twin = twins[int(aligned[i])] if aligned is not None else None
                served, other = (quote, twin) if reader is hit.passage or twin is None else (twin, quote)
                tokens = _tokens(quote.text, reader.lang)
                typed = has_answer_phrase(quote.text, qwords, kind)
                f = {
                    "cos": float(sim),
                    "overlap": len(terms & tokens) / len(terms) if terms else 0.0,
                    "bigrams": _bigram_share(question, quote.text),
                    "type_match": float(typed),
                    "type_miss": float(kind in FACTOID and not typed),
                    "position": i / len(quotes),
                    "first": float(i == 0),
                    "length": math.log1p(len(quote.text)),
                    "passage_rank_inv": 1.0 / hit.rank,
                    "passage_score": hit.score / top_score,
                    "passage_cos": passage_cos.get(row, 0.0),
                    "twin_cos": float(twin_vecs[int(aligned[i])] @ qvec) if aligned is not None else float(sim),
                }
                raw.append(_Raw(quote, served, other, i, f, tokens, terms, first_of_passage, len(quotes)))
        return _finish(raw)

    def ask(
        self,
        question: str,
        lang: str = "auto",
        filters: SearchFilters | None = None,
        k: int = PASSAGES,
    ) -> Answer:
        result = self.searcher.search(question, k=k, mode="hybrid", lang=lang, filters=filters)
        asker = result.lang.lang
        kind = question_type(question)
        cands = self.candidates(question, result, kind)
        if not cands:
            return Answer(question, asker, False, 0.0, None, None, result, "no confident answer: nothing matched")
        logits = self.model.sentence_logits(np.stack([c.features for c in cands]))
        scored = sorted(
            (
                Candidate(c.reader, c.served, c.twin, c.index, c.features, float(g))
                for c, g in zip(cands, logits, strict=True)
            ),
            key=lambda c: -c.logit,
        )
        confidence = self.model.probability(confidence_features(scored, is_question(question)))
        best = scored[0]
        quote, twin = best.served, best.twin
        more: list[Quote] = []
        if kind in LIST_TYPES:
            passage, start, end, more = list_answer(scored)
            quote = self._span(passage, start, end)
        phrase = None
        found = answer_phrase(quote.text, question, kind)
        if found is not None:
            phrase = (quote.char_start + found.start, quote.char_start + found.end)
        question_like = is_question(question)
        # a keyword search (`SENTRI`) asks nothing a sentence could answer: its hits are the reply, and no
        # answer card is shown however well a sentence matches the word (the confidence is still reported)
        answered = question_like and confidence >= self.threshold
        message = "" if answered else ("no confident answer" if question_like else NOT_A_QUESTION)
        return Answer(
            question, asker, answered, round(confidence, 4), quote, twin, result, message, scored, kind, phrase, more
        )


@dataclass
class _Raw:
    quote: Quote
    served: Quote
    twin: Quote | None
    index: int
    f: dict[str, float]
    tokens: frozenset[str]
    terms: set[str]
    start: int  # where this sentence's passage begins in the candidate list
    count: int  # sentences in the passage


_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=50_000)
def _tokens(text: str, lang: str) -> frozenset[str]:
    """A sentence's analyzed terms; cached, since the same sentences come back for many questions."""
    return frozenset(analyze(text, lang))


def _bigram_share(question: str, sentence: str) -> float:
    qw = _WORD.findall(fold(question))
    pairs = set(itertools.pairwise(qw))
    if not pairs:
        return 0.0
    sw = _WORD.findall(fold(sentence))
    return len(pairs & set(itertools.pairwise(sw))) / len(pairs)


def _finish(raw: list[_Raw]) -> list[Candidate]:
    """Features relative to the other candidates: gaps to the best, rarity-weighted overlap, neighbours."""
    if not raw:
        return []
    n = len(raw)
    terms = set().union(*(r.terms for r in raw))
    # a question term found in few candidate sentences tells them apart; one found in all tells nothing
    idf = {t: math.log((n + 1) / (sum(t in r.tokens for r in raw) + 0.5)) for t in terms}
    for r in raw:
        total = sum(idf[t] for t in r.terms) or 1.0
        r.f["idf_overlap"] = sum(idf[t] for t in r.terms if t in r.tokens) / total
    best = {name: max(r.f[name] for r in raw) for name in ("cos", "overlap", "idf_overlap", "bigrams")}
    order = sorted(range(n), key=lambda j: -raw[j].f["cos"])
    cos_rank = {j: k + 1 for k, j in enumerate(order)}
    out = []
    for j, r in enumerate(raw):
        f = r.f
        for name, top in best.items():
            f[f"{name}_gap"] = f[name] - top
        f["cos_rank_inv"] = 1.0 / cos_rank[j]
        # the answer often sits next to the sentence that restates the question ("He is also the oldest ...")
        prev = raw[j - 1] if r.index > 0 else None
        nxt = raw[j + 1] if r.index + 1 < r.count else None
        f["prev_cos"] = prev.f["cos"] if prev else 0.0
        f["next_cos"] = nxt.f["cos"] if nxt else 0.0
        f["prev_idf_overlap"] = prev.f["idf_overlap"] if prev else 0.0
        f["next_idf_overlap"] = nxt.f["idf_overlap"] if nxt else 0.0
        f["cos_x_type"] = f["cos"] * f["type_match"]
        f["idf_x_type"] = f["idf_overlap"] * f["type_match"]
        out.append(Candidate(r.quote, r.served, r.twin, r.index, np.array([f[name] for name in SENTENCE_FEATURES])))
    return out


def confidence_features(scored: list[Candidate], question: bool) -> np.ndarray:
    """Question-level features (CONFIDENCE_FEATURES order) from candidates sorted by logit."""
    return confidence_vector(np.stack([c.features for c in scored[:2]]), [c.logit for c in scored[:2]], question)


def confidence_vector(features: np.ndarray, logits: list[float], question: bool) -> np.ndarray:
    """The same from the feature rows and logits of the best (and second best) sentence."""
    second = logits[1] if len(logits) > 1 else logits[0] - 5.0
    f = dict(zip(SENTENCE_FEATURES, features[0], strict=True))
    values = {
        "top_logit": logits[0],
        "logit_gap": logits[0] - second,
        "top_cos": f["cos"],
        "top_overlap": f["overlap"],
        "is_question": float(question),
        "factoid_found": f["type_match"],
        "top_passage_cos": f["passage_cos"],
    }
    return np.array([values[name] for name in CONFIDENCE_FEATURES])


def list_answer(scored: list[Candidate]) -> tuple[Passage, int, int, list[Quote]]:
    """The best sentence joined with its contiguous neighbours that also score near it (one quote span:
    passage and document offsets), and further near-best sentences elsewhere as ranked quotes."""
    best = scored[0]
    near = [c for c in scored[1:4] if c.logit >= best.logit - LIST_MARGIN]
    pid = best.served.passage.passage_id
    same = sorted([best] + [c for c in near if c.served.passage.passage_id == pid], key=lambda c: c.served.char_start)
    # grow the span only through contiguous sentences (no gap of other sentences inside a quote)
    start = end = same.index(best)
    while start > 0 and _adjacent(same[start - 1].served, same[start].served):
        start -= 1
    while end < len(same) - 1 and _adjacent(same[end].served, same[end + 1].served):
        end += 1
    joined = {id(c) for c in same[start : end + 1]}
    more = [c.served for c in near if id(c) not in joined]
    return best.served.passage, same[start].served.char_start, same[end].served.char_end, more


def _adjacent(a: Quote, b: Quote) -> bool:
    base = a.passage.char_start
    gap = a.passage.text[a.char_end - base : b.char_start - base]
    return b.char_start >= a.char_end and not gap.strip()


__all__ = ["THRESHOLD", "Answer", "Answerer", "Candidate", "Quote", "confidence_features", "confidence_vector"]
