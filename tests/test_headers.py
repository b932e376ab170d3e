"""Headers of communiqués as they come: read into metadata (meeting, group, place, date), never passages.

The texts are written here in the shapes real communiqués and State Department pages take:
ordinals in words, digits and Roman numerals, working-group names wrapped over lines, datelines
with a state abbreviation, the date only in the first body sentence, a page saved with its menus."""

from __future__ import annotations

import pytest

from indexer.ingest.header import detect_header
from indexer.ingest.header_block import header_end
from indexer.ingest.ordinals import ordinal_value
from indexer.ingest.readers import read_document_bytes
from indexer.ingest.splitter import split_document

BODY_EN = (
    "The delegations reviewed the agenda agreed at the previous meeting and reaffirmed the principle of "
    "shared responsibility. They agreed to exchange information on the most dangerous crossing routes."
)
BODY_ES = (
    "Las delegaciones revisaron la agenda acordada en la reunión anterior y reafirmaron el principio de "
    "responsabilidad compartida. Acordaron intercambiar información sobre las rutas de cruce más peligrosas."
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("XIII", 13),
        ("16th", 16),
        ("Sixteenth", 16),
        ("THIRTEENTH", 13),
        ("decimotercera", 13),
        ("Décimo Tercera", 13),
        ("vigésima primera", 21),
        ("twenty-first", 21),
        ("19a.", 19),
    ],
)
def test_ordinals_in_digits_words_and_roman_numerals(text: str, number: int) -> None:
    assert ordinal_value(text) == number


@pytest.mark.parametrize(
    ("header", "lang", "expected"),
    [
        (  # an ordinal in words, the group's name wrapped with the last word alone, each line its own block
            "SIXTEENTH MEETING OF THE U.S.-MEXICO BINATIONAL COMMISSION\n\nWorking Group on Migration and "
            "Consular\nAffairs\n\nWashington, D.C.\n\nMay 5, 1997",
            "en",
            {
                "meeting_number": "16",
                "working_group": "Working Group on Migration and Consular Affairs",
                "place": "Washington, D.C.",
                "date": "1997-05-05",
            },
        ),
        (  # Spanish ordinal word, a name wrapped over three lines, a dateline with a state abbreviation
            "Decimotercera Reunión de la Comisión Binacional México-Estados Unidos\nGrupo de Trabajo sobre\n"
            "Migración y Asuntos\nConsulares\n(Zacatecas, Zac., 23 de febrero de 1995)",
            "es",
            {
                "meeting_number": "13",
                "working_group": "Grupo de Trabajo sobre Migración y Asuntos Consulares",
                "place": "Zacatecas, Zac.",
                "date": "1995-02-23",
            },
        ),
        (  # 'THIRTEENTH' in capitals; the place line before the date, the group under them
            "THIRTEENTH U.S.-MEXICO BINATIONAL COMMISSION\nMEXICO CITY, MEXICO\nMAY 7, 1996\n\n"
            "WORKING GROUP ON MIGRATION AND CONSULAR AFFAIRS",
            "en",
            {
                "meeting_number": "13",
                "working_group": "Working Group on Migration and Consular Affairs",
                "place": "Mexico City, Mexico",
                "date": "1996-05-07",
            },
        ),
        (  # a digit ordinal; the group named inside a report's title
            "16th U.S.-Mexico Binational Commission\nReport of the Working Group on Border Cooperation\n"
            "Mexico City, Mexico, November 25-26, 2003",
            "en",
            {"meeting_number": "16", "working_group": "Working Group on Border Cooperation", "date": "2003-11-26"},
        ),
    ],
)
def test_header_fields_are_read(header: str, lang: str, expected: dict[str, str]) -> None:
    body = f"{header}\n\n{BODY_EN if lang == 'en' else BODY_ES}"
    found = {k: v.value for k, v in detect_header(body, lang).items()}
    assert {k: found.get(k) for k in expected} == expected
    assert body[header_end(body, lang) :].startswith(("The delegations", "Las delegaciones"))


def test_the_date_and_place_of_the_first_sentence_when_the_header_has_none() -> None:
    body = (
        "COMUNICADO CONJUNTO\n\nXIX Reunión de la Comisión Binacional\n\n"
        "Grupo de Trabajo sobre Migración y Asuntos Consulares\n\n"
        "En la ciudad de Oaxaca, el 24 de septiembre de 1999, se reunió el Grupo de Trabajo sobre Migración y "
        "Asuntos Consulares. Las delegaciones acordaron ampliar los mecanismos de enlace fronterizo."
    )
    doc = read_document_bytes(body.encode(), "comunicado.txt", {"lang": "es"})
    assert (doc.date, doc.meta["place"], doc.meta["meeting_number"]) == ("1999-09-24", "Oaxaca", "19")
    assert doc.meta["origin_date"] == "detected 0.60"


def test_header_lines_are_metadata_not_passages() -> None:
    body = (
        "SIXTEENTH MEETING OF THE U.S.-MEXICO BINATIONAL COMMISSION\n\nWorking Group on Migration and Consular\n"
        f"Affairs\n\nWashington, D.C.\n\nMay 5, 1997\n\n{BODY_EN}\n\nSecond paragraph of the body."
    )
    doc = read_document_bytes(body.encode(), "communique.txt", {"lang": "en"})
    passages = split_document(doc)
    assert [p.ordinal for p in passages] == [1, 2]
    assert passages[0].text == BODY_EN and passages[0].section == "Working Group on Migration and Consular Affairs"
    for p in passages:
        assert doc.body[p.char_start : p.char_end] == p.text  # offsets into the body stay exact
    assert doc.meta["place"] == "Washington, D.C." and doc.date == "1997-05-05"


def test_short_lines_with_no_body_after_them_are_the_text() -> None:
    body = "Tom went home\n\nMary stayed"
    assert header_end(body) == 0
    doc = read_document_bytes(body.encode(), "lines.txt", {"lang": "en"})
    assert [p.text for p in split_document(doc)] == ["Tom went home", "Mary stayed"]


def test_a_page_saved_as_text_loses_its_menus_and_footer() -> None:
    page = (
        "Skip Links\nU.S. Department of State\nHome | Issues & Press | Travel & Business | Countries | Careers\n"
        "Search\nYou are in: Under Secretary for Political Affairs > Bureau of Western Hemisphere Affairs > "
        "Releases > 1997\n\nJoint Statement of the U.S.-Mexico Binational Commission\n\nMay 6, 1997\n\n"
        f"{BODY_EN}\n\nBack to Top\nThis site is managed by the Bureau of Public Affairs, U.S. Department of State.\n"
        "External links to other Internet sites should not be construed as an endorsement of the views therein."
    )
    doc = read_document_bytes(page.encode(), "joint-statement.txt", {"lang": "en"})
    assert doc.title == "Joint Statement of the U.S.-Mexico Binational Commission"
    assert doc.date == "1997-05-06"
    assert "Skip Links" not in doc.body and "Back to Top" not in doc.body and "managed by" not in doc.body
    assert [p.text for p in split_document(doc)] == [BODY_EN]


def test_a_header_group_the_first_sentence_contradicts_is_kept_with_a_warning() -> None:
    header = (
        "COMISION BINACIONAL MEXICO - ESTADOS UNIDOS\n\nGRUPO DE TRABAJO SOBRE MIGRACION\nY ASUNTOS FRONTERIZOS\n\n"
    )
    body = (
        "Los días 8 y 9 de septiembre de 1999 en la ciudad de Oaxaca, Oaxaca, se reunió el Grupo de Trabajo sobre "
        "Migración y Asuntos Consulares de la Comisión Binacional México-Estados Unidos. Las delegaciones acordaron."
    )
    doc = read_document_bytes(f"{header}COMUNICADO CONJUNTO\n\n{body}".encode(), "comunicado.txt", {"lang": "es"})
    assert doc.meta["working_group"] == "Grupo de Trabajo sobre Migracion y Asuntos Fronterizos"  # the header's
    assert (
        "the first body sentence 'Grupo de Trabajo sobre Migración y Asuntos Consulares'" in doc.meta["intake_warnings"]
    )
    same = "The Working Group on Migration and Consular Affairs conducted an assessment of the agenda. It agreed."
    agree = read_document_bytes(
        f"WORKING GROUP ON MIGRATION AND CONSULAR AFFAIRS\nMexico City - June 4, 1999\n\n{same}".encode(), "r.txt", {}
    )
    assert "intake_warnings" not in agree.meta  # a name that runs on in the sentence is the same group
