"""Answers staff can trust: sentence vectors in the snapshot, answer types and phrases, the learned and
calibrated model, keyword queries, list answers, and the answer metrics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from eval.answer_metrics import ece, exact_match, normalize, token_f1
from eval.datasets.commission import split_of
from indexer.answers.answer import Answerer
from indexer.answers.answer_type import answer_phrase, is_question, question_type, typed_phrases
from indexer.answers.scoring import MODEL_PATH, SENTENCE_FEATURES, AnswerModel
from indexer.encoders import Encoder, Progress
from indexer.encoders.querycache import QueryVectors
from indexer.ingest.splitter import sentence_spans
from indexer.retrieval.search import Searcher
from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC

WHEN_ENDED = "¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?"
WHEN_ENDED_EN = "When did the border crossing card replacement program end?"


class CountingEncoder:
    """The real encoder, counting what it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.id, self.dim = inner, inner.id, inner.dim
        self.queries: list[str] = []
        self.passages: list[str] = []

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts, progress)


@pytest.fixture(scope="module")
def answerer(searcher: Searcher) -> Answerer:
    return Answerer(searcher)


def test_snapshot_carries_every_sentence_and_its_vector(searcher: Searcher, encoder: Encoder) -> None:
    snapshot = searcher.snapshot
    table = snapshot.sentences
    assert table is not None and snapshot.manifest["sentences"]["count"] == len(table)
    row = snapshot.rows[snapshot.passages.passage_ids[3]]
    passage = snapshot.passages[row]
    spans, vecs = table.of_row(row)
    assert spans == sentence_spans(passage.text, passage.lang)
    fresh = encoder.encode_passages([passage.text[s:e] for s, e in spans])
    assert np.allclose(vecs, fresh, atol=2e-3)  # stored as float16


def test_cold_ask_encodes_the_question_and_no_sentence(searcher: Searcher, encoder: Encoder) -> None:
    counting = CountingEncoder(encoder)
    fresh = Searcher(searcher.snapshot, counting, query_vectors=QueryVectors(capacity=8))
    answer = Answerer(fresh).ask(WHEN_ENDED)
    assert answer.quote is not None
    assert counting.queries == [WHEN_ENDED] and counting.passages == []


def test_an_index_without_a_sentence_table_still_answers(searcher: Searcher, encoder: Encoder) -> None:
    counting = CountingEncoder(encoder)
    old = Searcher(replace(searcher.snapshot, sentences=None), counting)
    answer = Answerer(old).ask(WHEN_ENDED)
    assert answer.quote is not None and "30 de septiembre de 2002" in answer.quote.text
    assert counting.passages  # encoded on demand, as before


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        (WHEN_ENDED, "date"),
        ("When does the LIFE Act legalization window close?", "date"),
        ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", "number"),
        ("How many border crossing cards were issued?", "number"),
        ("Who heads the Mexican delegation?", "person"),
        ("¿Quién encabezó la delegación?", "person"),
        ("Where did the commission meet?", "place"),
        ("¿Dónde se reunió la comisión?", "place"),
        ("What program replaces the laser visa?", "instrument"),
        ("¿Qué acordaron sobre la notificación consular?", "agreement"),
        ("Is the program over?", "yesno"),
        ("SENTRI", "other"),
    ],
)
def test_question_types_in_english_and_spanish(question: str, kind: str) -> None:
    assert question_type(question) == kind


def test_keyword_queries_are_not_questions() -> None:
    assert not is_question("SENTRI") and not is_question("tarjetas de cruce")
    assert is_question("sentri?") and is_question("¿Cuándo terminó?")


def test_typed_phrases_find_dates_numbers_and_names() -> None:
    dates = [p.text for p in typed_phrases("The program ended on September 30, 2002, in Mexico.", "date")]
    assert "September 30, 2002" in dates
    es = [p.text for p in typed_phrases("El programa terminó el 30 de septiembre de 2002.", "date")]
    assert "30 de septiembre de 2002" in es
    numbers = [p.text for p in typed_phrases("More than 4.5 million cards were issued in 2002.", "number")]
    assert "4.5 million" in numbers and "2002" not in numbers
    sentence = "The meeting was chaired by Santiago Creel in Mexico City."
    phrase = answer_phrase(sentence, "Who chaired the meeting?", "person")
    assert phrase is not None and phrase.text in ("Santiago Creel", "Mexico City")


def test_answer_phrase_is_marked_with_document_offsets(answerer: Answerer, docs_by_id: dict[str, Document]) -> None:
    answer = answerer.ask(WHEN_ENDED)
    assert answer.kind == "date" and answer.quote is not None and answer.phrase is not None
    start, end = answer.phrase
    assert answer.quote.char_start <= start < end <= answer.quote.char_end
    assert docs_by_id[ES_DOC].body[start:end] == "30 de septiembre de 2002"
    en = answerer.ask(WHEN_ENDED_EN)
    assert en.phrase is not None and en.quote is not None and en.quote.passage.doc_id == EN_DOC
    assert docs_by_id[EN_DOC].body[en.phrase[0] : en.phrase[1]] == "September 30, 2002"


def test_the_shipped_model_is_json_and_calibrated(answerer: Answerer) -> None:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert raw["sentence_features"] == list(SENTENCE_FEATURES)
    model = AnswerModel.load()
    assert np.all(np.diff(model.iso_y) >= 0) and 0.0 <= model.iso_y.min() <= model.iso_y.max() <= 1.0
    assert 0.0 < model.threshold < 1.0
    assert raw["info"]["data"] == ["commission dev", "mlqa-answers dev", "xquad dev"]  # never a test half
    assert raw["calibration"] == "pooled" and model.answerable is not None  # one pooled calibration, two signals


def test_one_word_query_gets_hits_and_no_overconfident_card(answerer: Answerer, client: TestClient) -> None:
    answer = answerer.ask("SENTRI")
    assert answer.search.hits and any("SENTRI" in h.passage.text for h in answer.search.hits)
    assert not answer.answered and answer.message.startswith("no answer card for a keyword search")
    assert 0.0 <= answer.confidence < 1.0  # the calibrated probability, reported, never "100%"
    body = client.post("/api/ask", json={"q": "SENTRI"}).json()
    assert body["hits"] and body["answered"] is False and body["answer"] is None
    assert body["level"] == "not_a_question" and answer.level == "not_a_question"
    # the same word asked as a question gets the card when its quote is more likely right than not
    asked = answerer.ask("What does SENTRI stand for?")
    assert asked.answered == (asked.confidence >= 0.5)


def test_list_answer_quotes_exact_spans(answerer: Answerer, docs_by_id: dict[str, Document]) -> None:
    answer = answerer.ask("What did the working group agree on about consular notification?")
    assert answer.kind == "agreement" and answer.quote is not None
    for quote in [answer.quote, *answer.more]:
        body = docs_by_id[quote.passage.doc_id].body
        assert body[quote.char_start : quote.char_end] == quote.text
        assert quote.citation.quote == quote.text


def test_ask_api_returns_the_phrase(client: TestClient) -> None:
    body = client.post("/api/ask", json={"q": WHEN_ENDED}).json()
    assert body["kind"] == "date"
    if body["answered"]:
        assert body["phrase"]["text"] == "30 de septiembre de 2002"
        assert body["answer"]["char_start"] <= body["phrase"]["char_start"] < body["answer"]["char_end"]


def test_squad_metrics_in_english_and_spanish() -> None:
    assert normalize("The  Border, Crossing card!", "en") == "border crossing card"
    assert normalize("¿La tarjeta de cruce?", "es") == "tarjeta de cruce"
    assert exact_match("the LIFE Act", "LIFE Act", "en") == 1.0
    assert exact_match("el 30 de septiembre", "30 de septiembre", "es") == 1.0
    assert token_f1("September 30", "September 30, 2002", "en") == pytest.approx(0.8)
    assert token_f1("nada", "algo", "es") == 0.0


def test_expected_calibration_error() -> None:
    assert ece([0.9] * 10, [1] * 9 + [0]) == pytest.approx(0.0)
    assert ece([1.0] * 4, [0] * 4) == pytest.approx(1.0)


def test_commission_halves_are_fixed_by_question_number() -> None:
    assert split_of("en-001") == "dev" and split_of("es-001") == "dev"
    assert split_of("en-002") == "test" and split_of("es-068") == "test"
