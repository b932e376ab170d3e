"""The answer card's level: one calibrated probability, the same words in the API, the CLI and the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from indexer.answers.answer import LIKELY, NOT_FOUND, answer_level
from service.presenters import confidence_level

# the bundled communiqués: answerable in staff's words, near misses, off-topic, keywords
QUESTIONS = (
    "When did the border crossing card replacement program end?",
    "¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?",
    "How many border crossing cards have been issued?",
    "What does SENTRI stand for?",
    "What was the budget of the INM in 2002?",
    "How many cards were issued in fiscal year 2001?",
    "what is the weather on mars",
    "Who chaired the working group?",
    "SENTRI",
    "border security",
)


def test_levels_follow_the_probability_alone() -> None:
    assert answer_level(0.97, 0.9, True) == "answer"
    assert answer_level(0.93, 0.95, True) == "likely"
    assert answer_level(LIKELY, 0.95, True) == "likely"
    assert answer_level(0.49, 0.95, True) == "not_found"
    assert answer_level(0.99, 0.95, False) == "not_a_question"
    # an operating point under 0.5 never makes a less-likely-than-not quote an answer
    assert answer_level(0.4, 0.3, True) == "not_found"


def test_confidence_words_never_contradict_the_number() -> None:
    assert confidence_level(0.93) == "high"
    assert confidence_level(0.7) == "medium"
    assert confidence_level(0.5) == "medium"
    assert confidence_level(0.2) == "low"


@pytest.mark.parametrize("question", QUESTIONS)
def test_no_reply_pairs_not_found_with_a_likely_quote(client: TestClient, question: str) -> None:
    body = client.post("/api/ask", json={"q": question}).json()
    level, p = body["level"], body["confidence"]
    assert body["answered"] == (level in ("answer", "likely"))
    assert (body["answer"] is not None) == body["answered"]
    if level == "not_a_question":
        assert body["answer"] is None and body["message"].startswith("no answer card")
        return
    assert (p >= 0.5) == body["answered"], body  # not found exactly when less likely than not
    assert (body["message"] == NOT_FOUND) == (p < 0.5)
    assert body["confidence_level"] != "low" or p < 0.5
