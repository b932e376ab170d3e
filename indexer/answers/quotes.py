"""What an answer is made of: quotes with their citations, scored candidate sentences, the answer, list spans."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from indexer.answers.features import confidence_vector
from indexer.retrieval.citations import cite
from indexer.retrieval.search import SearchResult
from indexer.types import Citation, Document, Passage

LIST_MARGIN = 1.0  # list answers: further sentences within this logit of the best join the answer


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
    level: str = "not_found"  # LEVELS; `answered` is true at the two upper ones
    answerable: float | None = None  # calibrated P(the archive answers the question), when the model has it


def confidence_features(
    scored: list[Candidate], question: bool, joined: bool = False, shares: tuple[float, float] = (1.0, 1.0)
) -> np.ndarray:
    """Question-level features (CONFIDENCE_FEATURES order) from candidates sorted by logit."""
    top = scored[:2]
    return confidence_vector(np.stack([c.features for c in top]), [c.logit for c in top], question, joined, shares)


def list_answer(scored: list[Candidate]) -> tuple[Passage, int, int, list[Quote]]:
    """The best sentence joined with its contiguous neighbours that also score near it (one quote span:
    passage and document offsets), and further near-best sentences elsewhere as ranked quotes."""
    best = scored[0]
    near = [c for c in scored[1:4] if c.logit >= best.logit - LIST_MARGIN]
    pid = best.served.passage.passage_id
    same = sorted([best] + [c for c in near if c.served.passage.passage_id == pid], key=lambda c: c.served.char_start)
    # grow the span only through contiguous sentences (no gap of other sentences inside a quote)
    start = end = same.index(best)
    while start > 0 and adjacent(same[start - 1].served, same[start].served):
        start -= 1
    while end < len(same) - 1 and adjacent(same[end].served, same[end + 1].served):
        end += 1
    joined = {id(c) for c in same[start : end + 1]}
    more = [c.served for c in near if id(c) not in joined]
    return best.served.passage, same[start].served.char_start, same[end].served.char_end, more


def adjacent(a: Quote, b: Quote) -> bool:
    """Whether b starts where a ends, with only whitespace between (one quote may span both)."""
    base = a.passage.char_start
    gap = a.passage.text[a.char_end - base : b.char_start - base]
    return b.char_start >= a.char_end and not gap.strip()
