"""The plain BM25 baseline: rank_bm25.BM25Okapi over lowercase word tokens, no analysis."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from indexer.types import Passage

_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class RankBM25Baseline:
    """The same passages as the engine's index, scored by the library the product card names."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        from rank_bm25 import BM25Okapi

        self.passages = list(passages)
        self.langs = np.array([p.lang for p in self.passages])
        tokens = [tokenize(p.text) for p in self.passages]
        # BM25Okapi divides by the corpus size: an empty index has no model at all
        self.model = BM25Okapi(tokens) if self.passages else None

    def search(self, query: str, k: int, doc_lang: str | None = None) -> list[int]:
        """Rows of the top-k passages that share at least one token with the query."""
        terms = tokenize(query)
        if self.model is None or not terms:
            return []
        scores = np.asarray(self.model.get_scores(terms), dtype=np.float64)
        matched = np.zeros(len(self.passages), dtype=bool)
        vocab = set(terms)
        for row, freqs in enumerate(self.model.doc_freqs):
            matched[row] = not vocab.isdisjoint(freqs)
        if doc_lang is not None:
            matched &= self.langs == doc_lang
        rows = np.flatnonzero(matched)
        order = sorted(rows.tolist(), key=lambda r: (-scores[r], r))
        return order[:k]
