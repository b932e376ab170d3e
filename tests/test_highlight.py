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


def test_abbreviations_and_acronyms_highlight_whole() -> None:
    text = "The U.S. and Mexico's H-2 program; los EE. UU. y EE.UU. (F-3/M-3 visas)"
    spans = highlight_spans(query_terms("U.S. H-2 visas", "en"), text, "en")
    assert [text[s:e] for s, e in spans] == ["U.S.", "H-2", "visas"]  # not the "s" of "Mexico's"
    es = highlight_spans(query_terms("EE.UU. F-3", "es"), text, "es")
    assert [text[s:e] for s, e in es] == ["EE. UU.", "EE.UU.", "F-3", "M-3"]  # M-3 shares the term "3"
