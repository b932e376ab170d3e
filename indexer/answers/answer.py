"""Answers as quotes: pick the sentence that answers from the top passages, cite it, find its twin.

Sentences are scored by a learned model (indexer.answers.scoring) over features of each sentence;
the confidence is a calibrated probability that the quote contains the answer. Inside the quote the
answer phrase (the date, the number, the name the question asks for) is marked with document offsets.
Nothing is generated: the quote is always the document's own sentence(s).
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np

from indexer.answers.answer_type import (
    FACTOID,
    Phrase,
    answer_phrase,
    has_answer_phrase,
    is_question,
    question_type,
    question_words,
)
from indexer.answers.constraints import asked_constraints, money_miss, unmet
from indexer.answers.doc_context import document_context
from indexer.answers.features import (
    Raw,
    asked_in,
    bigram_share,
    confidence_vector,
    finish,
    join_partner,
    opens_with_anaphor,
    passage_weights,
    softmax_shares,
    tokens,
)
from indexer.answers.headers import demote_headers, statement_hits
from indexer.answers.levels import LEVELS, LIKELY, NOT_A_QUESTION, NOT_FOUND, SHOWN, answer_level
from indexer.answers.phrase_extent import widen
from indexer.answers.phrases import best_phrase
from indexer.answers.preferences import contenders, prefer
from indexer.answers.projection import project
from indexer.answers.quotes import Answer, Candidate, Quote, adjacent, confidence_features, list_answer
from indexer.answers.scoring import AnswerModel, default_model
from indexer.answers.sentence_source import SentenceSource
from indexer.index.analysis import analyze
from indexer.retrieval.search import Searcher, SearchFilters, SearchResult
from indexer.types import Passage

PASSAGES = 5
SPARE = 2  # further passages searched for, to stand in for those among the first PASSAGES that are only header lines
JOIN_MARGIN = 2.0  # a neighbour within this logit of the best sentence joins the quote (chosen on dev)
LIST_TYPES = ("agreement",)
PROJECT_PHRASE = True  # cross-language quotes: the phrase found in the asker-language twin (indexer.answers.projection)
WIDEN_NUMBERS = True  # a number phrase takes its qualifier, range and multiplier (indexer.answers.phrase_extent)


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
        weights = passage_weights([h.score for h in result.hits])
        raw: list[Raw] = []
        read: set[str] = set()
        for hit, row, weight in zip(result.hits, rows, weights, strict=True):
            # read the passage in the asker's language when its twin exists: sentence scores are
            # sharper within one language; the quote is mapped back to the language asked for
            reader = hit.twin if hit.passage.lang != asker and hit.twin is not None else hit.passage
            # each passage once: a passage listed twice (or two hits read through one twin) would put every
            # sentence in twice, and the evidence that the best sentence stands out (its softmax share, its
            # margin over the next) would compare it with itself
            if reader.passage_id in read:
                continue
            read.add(reader.passage_id)
            quotes, vecs = self._quotes(reader)
            if not quotes:
                continue
            sims = vecs @ qvec
            twins, twin_vecs = self._twin_sentences(reader)
            aligned = np.argmax(vecs @ twin_vecs.T, axis=1) if twins else None
            # a passage in the other language with no twin in the asker's is compared word for word with the
            # question's translation into its language (the search made it), not with words it cannot contain
            asked = asked_in(question, reader.lang, result.translation)
            qwords, qualifiers = question_words(asked), asked_constraints(asked, result.translation)
            names = max(qualifiers.name_count, 1)
            terms = set(analyze(asked, reader.lang))
            first_of_passage = len(raw)
            # what the documents' headers gave (date, meeting, place) counts as said: "at the Zacatecas meeting"
            # is stated once, in a header that is metadata rather than a passage
            context = " ".join(sorted({document_context(q.doc) for q in [quotes[0], *twins]}))
            passage_figures, passage_names = unmet(qualifiers, reader.text, context, *{q.passage.text for q in twins})
            for i, (quote, sim) in enumerate(zip(quotes, sims, strict=True)):
                twin = twins[int(aligned[i])] if aligned is not None else None
                served, other = (quote, twin) if reader is hit.passage or twin is None else (twin, quote)
                toks = tokens(quote.text, reader.lang)
                typed = has_answer_phrase(quote.text, qwords, kind)
                figures, missing_names = unmet(qualifiers, quote.text, twin.text if twin else "", context)
                f = {
                    "cos": float(sim),
                    "overlap": len(terms & toks) / len(terms) if terms else 0.0,
                    "bigrams": bigram_share(asked, quote.text),
                    "type_match": float(typed),
                    "type_miss": float(kind in FACTOID and not typed),
                    "position": i / len(quotes),
                    "first": float(i == 0),
                    "anaphor": opens_with_anaphor(quote.text),
                    "length": math.log1p(len(quote.text)),
                    "passage_rank_inv": 1.0 / hit.rank,
                    "passage_score": weight,
                    "passage_cos": passage_cos.get(row, 0.0),
                    "twin_cos": float(twin_vecs[int(aligned[i])] @ qvec) if aligned is not None else float(sim),
                    "figure_miss": float(figures > 0),
                    "name_miss": missing_names / names,
                    "passage_figure_miss": float(passage_figures > 0),
                    "passage_name_miss": passage_names / names,
                    "has_constraints": float(qualifiers.count > 0),
                    "money_miss": float(money_miss(qualifiers, quote.text, twin.text if twin else "")),
                }
                raw.append(Raw(quote, served, other, i, f, toks, terms, first_of_passage, len(quotes)))
        return [Candidate(r.quote, r.served, r.twin, r.index, row) for r, row in zip(raw, finish(raw), strict=True)]

    def phrase(self, sentence: str, question: str, kind: str) -> Phrase | None:
        """The answer phrase in a quoted sentence: the learned span ranker when the model has one, else the
        rule-based picker; only for factoid questions (a date, number, name, place or instrument)."""
        if kind not in FACTOID:
            return None
        if self.model.phrase is None:
            found = answer_phrase(sentence, question, kind)
        else:
            found = best_phrase(sentence, question, kind, self.model.phrase.logit)
        return widen(sentence, found) if WIDEN_NUMBERS and kind == "number" and found is not None else found

    def _joined(self, scored: list[Candidate]) -> tuple[Quote, Quote | None, int] | None:
        """The best sentence and its near-scoring neighbour as one exact span (and the same for their
        twins when those are adjacent too); None when no neighbour is close or the served quotes are not
        contiguous in one passage."""
        j = join_partner(
            [c.logit for c in scored],
            [c.reader.passage.passage_id for c in scored],
            [c.index for c in scored],
            JOIN_MARGIN,
        )
        if j is None:
            return None
        span = self._contiguous(scored[0].served, scored[j].served)
        if span is None:
            return None
        a, b = scored[0].twin, scored[j].twin
        twin = self._contiguous(a, b) if a is not None and b is not None else None
        return span, twin or a, j

    def _contiguous(self, a: Quote, b: Quote) -> Quote | None:
        if a.passage.passage_id != b.passage.passage_id:
            return None
        first, second = sorted((a, b), key=lambda q: q.char_start)
        if first.char_start == second.char_start:
            return first
        return self._span(first.passage, first.char_start, second.char_end) if adjacent(first, second) else None

    def ask(
        self,
        question: str,
        lang: str = "auto",
        filters: SearchFilters | None = None,
        k: int = PASSAGES,
    ) -> Answer:
        # the search's own ranking (the learned ranker); a few passages more than are listed, so that a passage
        # that is only a heading or dateline ("May 5, 1997") does not take the place of one that states something
        deep = self.searcher.search(question, k=k + SPARE, mode="hybrid", lang=lang, filters=filters)
        asker = deep.lang.lang
        kind = question_type(question)
        result = copy.copy(deep)
        result.hits, result.k = deep.hits[:k], k  # the reply lists the `k` passages asked for
        reading = copy.copy(deep)
        picked = statement_hits([h.passage.text for h in deep.hits], question, kind, k)
        # ranked among the passages read (1..k), as the model saw them where no header passages are listed
        reading.hits = [dataclasses.replace(deep.hits[i], rank=n) for n, i in enumerate(picked, start=1)]
        cands = self.candidates(question, reading, kind)
        question_like = is_question(question)
        if not cands:
            level = answer_level(0.0, self.threshold, question_like)
            message = NOT_FOUND if question_like else NOT_A_QUESTION
            return Answer(question, asker, False, 0.0, None, None, result, message, level=level)
        features = np.stack([c.features for c in cands])
        # a heading, dateline or title line is not the answer to a question about something else
        logits = demote_headers(self.model.sentence_logits(features), [c.served.text for c in cands], question, kind)
        # a near-tie from a passage that says the question's year, month or number (the meeting it asks about)
        logits = prefer(logits, features, kind)
        every = sorted(
            (
                Candidate(c.reader, c.served, c.twin, c.index, c.features, float(g))
                for c, g in zip(cands, logits, strict=True)
            ),
            key=lambda c: -c.logit,
        )
        # no rivals of the best: near copies of a better sentence, other meetings' ones (rules 15 and 18)
        kept = contenders([c.served.text for c in every], np.stack([c.features for c in every]))
        scored = [c for c, keep in zip(every, kept, strict=True) if keep]
        best = scored[0]
        quote, twin = best.served, best.twin
        more: list[Quote] = []
        partner = None
        if kind in LIST_TYPES:
            passage, start, end, more = list_answer(scored)
            quote = self._span(passage, start, end)
        else:
            pair = self._joined(scored)
            if pair is not None:
                quote, twin, partner = pair
        shares = softmax_shares([c.logit for c in scored], 0, partner)
        evidence = confidence_features(scored, question_like, partner is not None, shares)
        confidence = self.model.probability(evidence)
        answerable = self.model.answerable_probability(evidence)
        phrase = None
        # a quote in the other language: its phrase is found in the sentence read in the asker's language,
        # where the question's words anchor it, and carried over to the quoted twin (XQuAD dev phrase F1:
        # en-es .446 -> .504, es-en .395 -> .503)
        if PROJECT_PHRASE and best.reader is not best.served and kind not in LIST_TYPES:
            found = self.phrase(best.reader.text, question, kind)
            carried = project(found, best.served.text, kind) if found is not None else None
            if carried is not None and WIDEN_NUMBERS and kind == "number":
                carried = widen(best.served.text, carried)
            if carried is not None:
                phrase = (best.served.char_start + carried.start, best.served.char_start + carried.end)
        # in a joined quote the best sentence is searched first: its neighbour is there in case it holds
        # the answer, and its numbers or names are otherwise only distractors
        for where in ([best.served, quote] if partner is not None else [quote]) if phrase is None else []:
            found = self.phrase(where.text, question, kind)
            if found is not None:
                phrase = (where.char_start + found.start, where.char_start + found.end)
                break
        # a keyword search (`SENTRI`) asks nothing a sentence could answer: its hits are the reply, and no
        # answer card is shown however well a sentence matches the word (the confidence is still reported)
        confidence = round(confidence, 4)
        level = answer_level(confidence, self.threshold, question_like)
        answered = level in SHOWN
        message = "" if answered else (NOT_FOUND if question_like else NOT_A_QUESTION)
        return Answer(
            question,
            asker,
            answered,
            confidence,
            quote,
            twin,
            result,
            message,
            every,
            kind,
            phrase,
            more,
            level,
            None if answerable is None else round(answerable, 4),
        )


__all__ = [
    "LEVELS",
    "LIKELY",
    "NOT_A_QUESTION",
    "NOT_FOUND",
    "SHOWN",
    "Answer",
    "Answerer",
    "Candidate",
    "Quote",
    "answer_level",
    "confidence_features",
    "confidence_vector",
]
