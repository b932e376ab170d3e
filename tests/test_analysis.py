"""Analyzers: stemming, stopwords and accent folding in English and Spanish."""

from __future__ import annotations

from indexer.index.analysis import analyze
from indexer.retrieval.querylang import detect_query_lang
from indexer.retrieval.search import Searcher
from tests.conftest import ES_DOC


def test_english_stemming_and_stopwords() -> None:
    assert analyze("The crossing cards", "en") == analyze("cross card", "en") == ["cross", "card"]


def test_spanish_stemming_stopwords_and_accent_folding() -> None:
    assert analyze("las tarjetas de cruce", "es") == analyze("tarjeta cruce", "es")
    assert analyze("migración", "es") == analyze("migracion", "es") == analyze("MIGRACIÓN", "es")
    assert "de" not in analyze("de la migración", "es")


def test_unaccented_query_finds_accented_text(searcher: Searcher) -> None:
    result = searcher.search("sustraccion de menores convencion", mode="bm25", lang="es", k=3)
    top = result.hits[0].passage
    assert top.doc_id == ES_DOC
    assert "Sustracción Internacional de Menores" in top.text


def test_query_language_detection() -> None:
    assert detect_query_lang("¿Cuántas tarjetas de cruce fronterizo se emitieron?").analyze_with == ("es",)
    assert detect_query_lang("How many border crossing cards were issued?").analyze_with == ("en",)
    unsure = detect_query_lang("SENTRI")
    assert set(unsure.analyze_with) == {"en", "es"}  # one word: analyze both ways
    assert 0.5 <= unsure.confidence <= 1.0


def test_spelling_variants_of_official_usage_are_one_word(searcher: Searcher) -> None:
    """Mexican official Spanish writes 'estadunidense'; the communiqué says 'estadounidense'."""
    for query in ("¿Qué informó la delegación estadunidense?", "¿Qué informó la delegación estadounidense?"):
        top = searcher.search(query, mode="bm25", lang="es", k=3).hits[0].passage
        assert top.doc_id == ES_DOC and "delegación estadounidense" in top.text, query
