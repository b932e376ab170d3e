"""A meeting's number stated only in the body is read where the text says it is this meeting's, never a
number of something else (an earlier meeting, a century, a day of the month).

The texts are written in the shapes of a State Department fact sheet and press briefing and of Spanish
communiqués: a header with no ordinal, the number deep in the body."""

from __future__ import annotations

import pytest

from indexer.ingest.header import detect_header
from indexer.ingest.meeting_body import meeting_in_body
from indexer.ingest.readers import read_document_bytes

FACT_SHEET = (
    "U.S. State Department Geographic Bureaus: Latin America Bureau\n\n\n"
    "Fact Sheet: U.S. Mexico Binational Commission\n\n"
    "The U.S.-Mexico Binational Commission (BNC) is a unique forum established by the two countries to allow "
    "for regular exchanges at the Cabinet level.\n\nDevelopment of the BNC\n\n"
    "Presidents Carter and Lopez Portillo established the precursor to the BNC in May 1977. At the first "
    "meeting in May 1978, the two Secretaries met with the chairmen of the working groups.\n\nBNC Structure\n\n"
    "{sentence} The meeting has become a one-day conference chaired by the two Secretaries."
)


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("This year's BNC meeting is the 12th since 1981.", 12),
        ("This year's meeting is on Wednesday; it's the 20th. Since the inception of the BNC in 1981, each year …", 20),
        ("Today's Twenty-First Binational Commission brings together sixteen cabinet members.", 21),
        ("This is the 20th meeting of the U.S.-Mexico Binational Commission since 1981.", 20),
        ("The delegations met during the 20th meeting of the U.S.-Mexico Binational Commission.", 20),
        ("La reunión de este año es la XIX desde 1981.", 19),
        ("Esta es la XX Reunión de la Comisión Binacional México-Estados Unidos.", 20),
        ("En el marco de la XIX Reunión de la Comisión Binacional, las delegaciones acordaron el programa.", 19),
        ("La presente vigésima reunión se celebra en Washington.", 20),
    ],
)
def test_the_meeting_number_the_body_states_as_this_meetings(sentence: str, number: int) -> None:
    body = FACT_SHEET.format(sentence=sentence)
    found = detect_header(body, "es" if sentence.startswith(("La ", "Esta", "En ")) else "en")
    assert found["meeting_number"].value == str(number)
    assert found["meeting_number"].confidence == 0.5  # deep in the body: below a header's or first sentence's


@pytest.mark.parametrize(
    "sentence",
    [
        "The Commission has met every year since then.",  # only 'the first meeting in May 1978' above: not this one
        "In the 20th century the border grew from a line on the map to a region of twelve million people.",
        "This year's meeting is on the 12th of May in Mexico City.",
        "This meeting is on the 20th.",
        "This year's meeting is in Washington. It's the 12th time the two Secretaries meet there.",
        "Since the 12th meeting of the Binational Commission, the 13th meeting of the Binational Commission …",
        "Desde la XVIII Reunión de la Comisión Binacional las delegaciones se reúnen dos veces al año.",
        "El XX aniversario de la Comisión Binacional se celebró en 2001.",
        "This is the 5th meeting of the High Level Working Group on Migration.",
        "This is the first BNC meeting under President Fox.",
        "Esta es la tercera reunión del Grupo de Trabajo sobre Migración y Asuntos Consulares.",
    ],
)
def test_an_ordinal_of_something_else_is_no_meeting_number(sentence: str) -> None:
    body = FACT_SHEET.format(sentence=sentence)
    assert "meeting_number" not in detect_header(body, "en")
    assert meeting_in_body(sentence) is None


def test_the_header_number_wins_and_the_body_number_names_no_document() -> None:
    header = "XIX COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS\n26 DE NOVIEMBRE DE 2002\n\n"
    body = "Las delegaciones revisaron la agenda. La reunión de este año es la XX desde 1981."
    found = detect_header(header + body, "es")
    assert (found["meeting_number"].value, found["meeting_number"].confidence) == ("19", 0.95)
    doc = read_document_bytes(FACT_SHEET.format(sentence="This year's BNC meeting is the 12th.").encode(), "fs.txt", {})
    assert doc.meta["meeting_number"] == "12" and doc.meta["origin_meeting_number"] == "detected 0.50"
    assert doc.doc_id == "fs"  # an id from a number this deep would change with a reworded paragraph
