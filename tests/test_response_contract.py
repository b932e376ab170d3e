"""The presenters' bodies are exactly what the response models say, field for field.

The API sends them through FastAPI, which filters a dict through the route's response model;
`bnc search --json` and the JSONL export send the presenters' dicts as they are. A key the model
drops, or one it fills with a default, would make those differ from the API: each body must
validate against its model and dump back to itself."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from indexer.answers.answer import Answerer
from indexer.retrieval.search import Searcher
from service.queries import run_ask, run_search
from service.schemas import AnswerPublic, AskCreate, SearchCreate, SearchPublic

SEARCHES: list[dict[str, Any]] = [
    {"q": "¿Cuántas tarjetas de cruce fronterizo se emitieron?", "k": 3},
    {"q": "Border Crossing Card", "k": 5, "doc_lang": "es", "translate_hits": True},
    {"q": "SENTRI", "k": 4, "mode": "bm25", "lang": "en"},
    {"q": "consular protection", "k": 6, "group": "document"},
    {"q": "What was agreed in November 2002?", "k": 3, "fusion": "rrf"},
    {"q": "tarjetas", "k": 2, "mode": "dense", "date_from": "2000-01-01"},
]
ASKS: list[dict[str, Any]] = [
    {"q": "When did the border crossing card replacement program end?"},
    {"q": "¿Qué acordaron sobre la notificación consular?", "k": 3},
    {"q": "SENTRI"},
    {"q": "Who won the 1998 World Cup?", "doc_lang": "en"},
]


def assert_round_trips(model: type[BaseModel], body: dict[str, Any]) -> None:
    assert model.model_validate(body).model_dump(mode="json") == body


@pytest.mark.parametrize("params", SEARCHES)
def test_search_bodies_are_exactly_the_public_model(searcher: Searcher, params: dict[str, Any]) -> None:
    body = run_search(searcher, SearchCreate.model_validate(params))
    assert body["hits"]
    assert_round_trips(SearchPublic, body)


@pytest.mark.parametrize("params", ASKS)
def test_ask_bodies_are_exactly_the_public_model(searcher: Searcher, params: dict[str, Any]) -> None:
    assert_round_trips(AnswerPublic, run_ask(Answerer(searcher), AskCreate.model_validate(params)))
