"""Answers: alignment of the real translation pair, quotes with offsets, twins, no-answer path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from indexer.answers.answer import NOT_FOUND, Answerer, answer_level
from indexer.index.align import align_pair
from indexer.retrieval.glossary import Glossary, default_glossary
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document
from service.cli import main
from tests.conftest import EN_DOC, ES_DOC

WHEN_ENDED = "¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?"
WHEN_ENDED_EN = "When did the border crossing card replacement program end?"


@pytest.fixture(scope="module")
def answerer(searcher: Searcher) -> Answerer:
    return Answerer(searcher)


def test_real_pair_aligns_paragraph_for_paragraph(searcher: Searcher) -> None:
    snapshot = searcher.snapshot
    assert snapshot.manifest["counts"]["pairs"] == 19
    for row, twins in snapshot.twins.items():
        p, t = snapshot.passages[row], snapshot.passages[twins[0]]
        assert p.lang != t.lang and p.ordinal == t.ordinal


def test_alignment_handles_a_split_paragraph() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 16))
    a /= (a**2).sum(axis=1, keepdims=True) ** 0.5
    # b: a[0], a[1] split in two halves (each close to a[1]), a[2], a[3]
    b = [a[0], a[1] + 0.3 * a[0], a[1] - 0.3 * a[0], a[2], a[3]]
    b = [v / (v**2).sum() ** 0.5 for v in b]
    beads = align_pair(a, np.stack(b))
    assert beads == [([0], [0]), ([1], [1, 2]), ([2], [3]), ([3], [4])]


def test_spanish_question_gets_dated_quote_with_english_twin(
    answerer: Answerer, docs_by_id: dict[str, Document]
) -> None:
    answer = answerer.ask(WHEN_ENDED)
    # the confidence is a calibrated probability: the card shows when it clears the model's threshold
    assert answer.answered and answer.level == answer_level(answer.confidence, answerer.threshold, True)
    assert 0.5 <= answer.confidence <= 1.0
    assert answer.quote is not None and answer.twin is not None
    assert "30 de septiembre de 2002" in answer.quote.text and answer.quote.passage.doc_id == ES_DOC
    assert docs_by_id[ES_DOC].body[answer.quote.char_start : answer.quote.char_end] == answer.quote.text
    assert answer.quote.citation.quote == answer.quote.text
    assert "September 30, 2002" in answer.twin.text and answer.twin.passage.doc_id == EN_DOC
    assert docs_by_id[EN_DOC].body[answer.twin.char_start : answer.twin.char_end] == answer.twin.text


def test_unanswerable_question_says_so_and_keeps_hits(answerer: Answerer) -> None:
    answer = answerer.ask("What was the budget of the INM in 2002?")
    assert not answer.answered and answer.level == "not_found" and answer.message == NOT_FOUND
    assert answer.confidence < 0.5 and answer.search.hits


def test_answer_respects_language_filter(answerer: Answerer) -> None:
    answer = answerer.ask(WHEN_ENDED, filters=SearchFilters(doc_lang="en"))
    assert answer.quote is not None and answer.quote.passage.lang == "en"
    assert "September 30, 2002" in answer.quote.text


def test_glossary_expands_across_languages_and_acronyms(tmp_path: Path) -> None:
    g = default_glossary()
    assert ("Border Crossing Card", "en") in g.expand("tarjetas de cruce fronterizo")
    assert ("Legal Immigration and Family Equity Act", "en") in g.expand("LIFE Act deadline")
    assert g.expand("the weather today") == []
    custom = tmp_path / "g.yaml"
    custom.write_text("- en: [Port of Entry, POE]\n  es: [garita]\n", encoding="utf-8")
    assert Glossary.load(custom).expand("POE hours") == [("Port of Entry", "en"), ("garita", "es")]


def test_glossary_lifts_queries_the_text_words_differently(searcher: Searcher) -> None:
    import dataclasses

    plain = Searcher(searcher.snapshot, searcher.encoder, dataclasses.replace(searcher.config, glossary=False))
    # 'garita' is the border's word for a port of entry; the text only says 'puertos de entrada' / POE
    es_only = SearchFilters(doc_lang="es")
    assert plain.search("garitas", mode="bm25", lang="es", filters=es_only).hits == []
    hits = searcher.search("garitas", k=3, mode="bm25", lang="es", filters=es_only).hits
    assert hits and all("puerto" in h.passage.text.lower() for h in hits)
    assert hits[0].passage.ordinal in (11, 12)  # synchronized Port-of-Entry hours; the Smart POE


# the answered path of the API and CLI; the plain WHEN_ENDED_EN scores .91, under the commission threshold
COMPLETED_EN = "When was the Border Crossing Card replacement program completed?"


def test_ask_api_and_cli(client: TestClient, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    res = client.post("/api/ask", json={"q": COMPLETED_EN})
    assert res.status_code == 200
    body = res.json()
    assert body["answered"] and "September 30, 2002" in body["answer"]["text"]
    assert body["twin"]["lang"] == "es" and body["hits"]
    none = client.post("/api/ask", json={"q": "What was the budget of the INM in 2002?"}).json()
    assert none["answered"] is False and none["message"] == NOT_FOUND and none["answer"] is None
    assert none["level"] == "not_found" and none["confidence"] < 0.5
    assert client.post("/api/ask", json={"q": ""}).status_code == 422
    assert client.post("/api/ask", json={"q": "x", "k": 21}).status_code == 422
    assert main(["ask", COMPLETED_EN, "--index", str(index_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answer"]["text"] == body["answer"]["text"]


def test_filters_on_api_and_cli(client: TestClient, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hits = client.get("/api/search", params={"q": "visa", "doc_ids": [ES_DOC], "k": 5}).json()["hits"]
    assert hits and {h["doc_id"] for h in hits} == {ES_DOC}
    assert client.get("/api/search", params={"q": "visa", "date_to": "2001-12-31"}).json()["hits"] == []
    res = client.post("/api/ask", json={"q": WHEN_ENDED, "doc_lang": "en"}).json()
    assert (res["answer"] or res["best_guess"])["lang"] == "en"  # answered or not, the filter holds
    assert main(["search", "visa", "--index", str(index_dir), "--doc-id", EN_DOC, "--json"]) == 0
    assert {h["doc_id"] for h in json.loads(capsys.readouterr().out)["hits"]} == {EN_DOC}
    assert main(["search", "visa", "--index", str(index_dir), "--date-from", "2003-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"] == []
