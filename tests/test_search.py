"""Ranking on known English and Spanish questions over the real corpus index."""

from __future__ import annotations

import pytest

from indexer.retrieval.search import Searcher, SearchFilters, UnknownSearchOption
from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC

BCC_ES = "¿Cuántas tarjetas de cruce fronterizo se emitieron?"


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_bcc_question_ranks_consular_paragraph_first(searcher: Searcher, mode: str) -> None:
    hit = searcher.search(BCC_ES, k=5, mode=mode).hits[0]
    assert hit.passage.ordinal == 14
    assert hit.passage.section in ("Consular Issues", "Asuntos consulares")


def test_cross_language_with_language_filter(searcher: Searcher, docs_by_id: dict[str, Document]) -> None:
    result = searcher.search(BCC_ES, k=5, filters=SearchFilters(doc_lang="en"))
    assert result.lang.lang == "es"
    assert {h.passage.lang for h in result.hits} == {"en"}
    top = result.hits[0]
    assert "Border Crossing Card (BCC) Replacement Program" in top.passage.text
    body = docs_by_id[top.citation.doc_id].body
    assert body[top.citation.char_start : top.citation.char_end] == top.citation.quote == top.passage.text
    assert top.citation.label.endswith("26 Nov 2002, ¶14")


@pytest.mark.parametrize(
    ("query", "lang", "ordinal"),
    [
        ("When does the LIFE Act legalization window close?", "en", 17),
        ("Which court case worried Mexico about immigrant workers' rights?", "en", 18),
        ("convención de Viena notificación consular pena de muerte", "es", 16),
        ("¿Qué programa agiliza el cruce de viajeros preinspeccionados?", "es", 12),
        ("private citizens doing immigration enforcement in Arizona", "en", 8),
    ],
)
def test_known_questions_in_both_languages(searcher: Searcher, query: str, lang: str, ordinal: int) -> None:
    for doc_lang in ("en", "es"):
        hits = searcher.search(query, k=3, filters=SearchFilters(doc_lang=doc_lang)).hits
        assert hits[0].passage.ordinal == ordinal, (doc_lang, [h.passage.ordinal for h in hits])
    assert searcher.search(query, k=1).hits[0].passage.lang == lang  # unfiltered: own language first


def test_hits_carry_per_retriever_scores_and_highlights(searcher: Searcher) -> None:
    hits = searcher.search("Border Crossing Card replacement", k=3, lang="en").hits
    top = hits[0]
    assert top.scores["bm25"] is not None and top.scores["dense"] is not None
    assert top.ranks["bm25"] == 1
    words = {top.passage.text[s:e].lower() for s, e in top.highlights}
    assert {"border", "crossing", "card", "replacement"} <= words
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].score >= hits[1].score >= hits[2].score


def test_filters_by_document_and_date(searcher: Searcher) -> None:
    only_es = searcher.search("border", k=50, filters=SearchFilters(doc_ids=(ES_DOC,)))
    assert only_es.hits and {h.passage.doc_id for h in only_es.hits} == {ES_DOC}
    assert searcher.search("border", filters=SearchFilters(date_from="2003-01-01")).hits == []
    in_range = searcher.search("border", filters=SearchFilters(date_from="2002-11-01", date_to="2002-11-30"))
    assert {h.passage.doc_id for h in in_range.hits} <= {EN_DOC, ES_DOC} and in_range.hits


def test_fusion_methods_are_selectable_and_unknown_options_are_errors(searcher: Searcher) -> None:
    learned = searcher.search(BCC_ES, k=3)
    rrf = searcher.search(BCC_ES, k=3, fusion_method="rrf")
    assert (learned.fusion, rrf.fusion) == ("learned", "rrf")
    assert learned.hits[0].passage.ordinal == rrf.hits[0].passage.ordinal == 14
    assert rrf.hits[0].score < 0.1  # rrf scores are sums of 1/(k+rank)
    with pytest.raises(UnknownSearchOption, match="unknown mode 'sparse'"):
        searcher.search(BCC_ES, mode="sparse")
    with pytest.raises(UnknownSearchOption, match="unknown fusion"):
        searcher.search(BCC_ES, fusion_method="borda")


def test_search_is_the_composition_of_its_public_stages(searcher: Searcher) -> None:
    candidates = searcher.retrieve(BCC_ES, k=5)
    assert candidates.lexical and candidates.dense and candidates.lang.lang == "es"
    ranked = searcher.rank(candidates, 5)
    hits = searcher.hits(candidates, ranked)
    direct = searcher.search(BCC_ES, k=5).hits
    assert [(h.passage.passage_id, h.score, h.scores) for h in hits] == [
        (h.passage.passage_id, h.score, h.scores) for h in direct
    ]
