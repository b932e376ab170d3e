"""Evidence a twin lends, read on the scale of the language that lends it.

An aligned twin lends its BM25 score to its translation (indexer.retrieval.twins), so a Spanish
paragraph is found by an English query through its English twin. In a search filtered to the
other language, min-max over the filtered list alone maps the best *lent* score to 1.0, even when
the query's best match in its own language has no twin and scores far higher: then the
translation of a weak same-language match ("He was sitting on the floor.", BM25 8.1) outranks the
real answer found across languages by the vectors, while the query's own-language best (40.2)
lends nothing. Here the lexical list is normalized with its top at the query language's best
BM25 over the whole index, as a lent score would be in the lending language's own list."""

from __future__ import annotations

from typing import Any

from indexer.index.backends import LexicalBackend
from indexer.index.passage_table import PassageTable
from indexer.retrieval import fusion
from indexer.retrieval.twins import TWIN_DISCOUNT

TOP_DEPTH = 10  # the unfiltered hits looked through for the best one in the query's language


def lending_top(lexical: LexicalBackend, query: Any, passages: PassageTable, lang: str) -> float:
    """The best BM25 score of a passage in `lang` (the query's) over the whole index, as a search within
    documents scores it (a filter's clause adds to every score: that passage is scored again within its
    own document, so the two lists share one scale); 0.0 without one."""
    for row, _score in lexical.run(query, TOP_DEPTH):
        if passages.lang(row) == lang:
            again = lexical.run(query, TOP_DEPTH, [passages.doc_id(row)])
            return next((s for r, s in again if r == row), 0.0)
    return 0.0


def on_lending_scale(top: float, normalization: str) -> fusion.Normalize | None:
    """The lexical list's normalization with its top raised to the lending language's best (lent at
    TWIN_DISCOUNT, so a list whose best is lent by that very passage is unchanged); None where it
    does not apply (no such passage, or a normalization other than min-max)."""
    if top <= 0 or normalization != "minmax":
        return None
    return fusion.minmax_up_to(top * TWIN_DISCOUNT)
