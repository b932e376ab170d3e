"""A meeting named by its place in a question, matched to documents' header places (indexer.ingest.places)."""

from __future__ import annotations

import pytest

from indexer.ingest.places import named_places, place_key
from indexer.retrieval.when import is_context


@pytest.mark.parametrize(
    ("place", "key"),
    [
        ("Oaxaca, Oaxaca.", "oaxaca"),
        ("Zacatecas, Mexico", "zacatecas"),
        ("Washington, D.C.", "washington"),
        ("Washington, DC", "washington"),
        ("Mexico City, Mexico", "mexico city"),
        ("Ciudad de México, México", "mexico city"),
        ("México, D.F.", "mexico city"),
        ("Querétaro", "queretaro"),
        ("México", ""),  # a country names no meeting
        ("Estados Unidos", ""),
        ("", ""),
    ],
)
def test_a_header_place_as_the_words_that_tell_meetings_apart(place: str, key: str) -> None:
    assert place_key(place) == key


KEYS = ("zacatecas", "oaxaca", "washington", "mexico city", "queretaro")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("Who was the US ambassador on the American side in Zacatecas?", {"zacatecas"}),
        ("Who was the chargé d'affaires at the Oaxaca meeting?", {"oaxaca"}),
        ("¿Quién encabezó la delegación en la reunión de Oaxaca?", {"oaxaca"}),
        ("¿Quién encabezó la delegación de Estados Unidos en Washington en septiembre de 1995?", {"washington"}),
        ("¿Qué se acordó en Querétaro?", {"queretaro"}),  # accents folded on both sides
        ("What was agreed in QUERETARO?", {"queretaro"}),
        ("¿Qué se acordó en la Ciudad de México?", {"mexico city"}),
        ("What did Mexico propose on migration?", set()),  # a country, and no header place
        ("What did Washington propose?", set()),  # a place as the subject names no meeting
        ("What was agreed about the Oaxacan border?", set()),  # whole words only
    ],
)
def test_the_places_a_question_names(question: str, named: set[str]) -> None:
    assert named_places(question, KEYS) == named


@pytest.mark.parametrize(
    ("question", "named"),
    [
        # a place in a clause about an earlier event names no meeting, as a date there is context
        ("¿Qué recibieron ambos gobiernos como base de su diálogo tras el estudio iniciado en Zacatecas?", set()),
        ("What did the talks that began in Oaxaca agree on?", set()),
        # the meeting's own place is asked, whatever comes before it
        ("Who was the chargé d'affaires of the US Embassy at the Oaxaca meeting?", {"oaxaca"}),
        ("¿Quién encabezó la delegación de Estados Unidos en Washington en septiembre de 1995?", {"washington"}),
        ("Who headed the delegation at the meeting held in Mexico City?", {"mexico city"}),
        ("¿Quién presidió la reunión celebrada en la Ciudad de México?", {"mexico city"}),
    ],
)
def test_a_place_in_a_context_clause_names_no_meeting(question: str, named: set[str]) -> None:
    assert named_places(question, KEYS, is_context) == named
