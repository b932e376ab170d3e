"""Query language on questions with proper names: a name does not outvote the question words."""

from __future__ import annotations

import pytest

from indexer.retrieval.querylang import detect_query_lang


@pytest.mark.parametrize(
    "question",
    [
        "What course did Cáceres teach?",
        "In what area of science was the Kekulé's theory?",
        "What did Peña Nieto say about José Martí?",
        "Who was the chargé d'affaires of the US Embassy at the Oaxaca meeting?",  # a borrowed word
    ],
)
def test_english_questions_with_accented_names_are_english(question: str) -> None:
    assert detect_query_lang(question).lang == "en"


@pytest.mark.parametrize(
    "question",
    [
        "¿Qué curso enseñó Cáceres?",
        "Qué curso enseñó Cáceres",  # the first word's accent still counts
        "migración de trabajadores",
        "Que paso en Zacatecas en febrero",
        "migración in Zacatecas",  # one English function word does not outvote an accent
        "¿Who is the café owner?",  # an opening mark always counts
    ],
)
def test_spanish_questions_stay_spanish(question: str) -> None:
    assert detect_query_lang(question).lang == "es"
