"""Highlights mark the words whose analyzed form is a query term, whatever their case or accents."""

from __future__ import annotations

from indexer.retrieval.highlight import highlight_spans, query_terms


def test_highlight_offsets_cover_accented_and_cased_words() -> None:
    text = "La MIGRACIÓN y las Tarjetas de cruce, de la migracion"
    spans = highlight_spans(query_terms("migracion tarjeta", "es"), text, "es")
    assert [text[s:e] for s, e in spans] == ["MIGRACIÓN", "Tarjetas", "migracion"]


def test_no_terms_no_highlights() -> None:
    assert highlight_spans(query_terms("de la", "es"), "de la frontera", "es") == []
    assert highlight_spans(frozenset(), "de la frontera", "es") == []
