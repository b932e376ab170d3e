"""Heading, dateline, place and title lines are never quoted as the answer to a question about something else."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.answers.answer import Answerer
from indexer.answers.headers import (
    HEADER_PENALTY,
    asks_about_meeting,
    demote_headers,
    header_only,
    is_header_line,
    statement_hits,
)
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher
from indexer.types import Document

HEADERS = (
    "Oaxaca, Oax., September 1999",
    "May 5, 1997",
    "JOINT COMMUNIQUE",
    "Working Group on Migration and Consular Affairs",
    "NOVEMBER 26, 2002\nMEXICO CITY, MEXICO",
    "Ciudad de México, 5 de mayo de 1997",
    "Comunicado Conjunto",
    "XIX Reunión de la Comisión Binacional México-Estados Unidos",
    "Washington, D.C.",
)
STATEMENTS = (
    "Secretary Albright and Foreign Secretary Green met.",
    "The Border Crossing Card replacement program ended on October 1, 2002.",
    "Both governments agreed to expand the program.",
    "Mexico City, May 5, 1997 - The Binational Commission held its annual meeting today under the chairmanship "
    "of the foreign ministers.",
    "The SENTRI lane opened in 1995",
    "In 1997, Mexico issued 3 million cards",
    "Se acordó ampliar el programa.",
    "El programa terminó el 1 de octubre de 2002.",
    "The working group was chaired by Ambassador Jeffrey Davidow.",
)


@pytest.mark.parametrize("line", HEADERS)
def test_heading_dateline_place_and_title_lines_are_headers(line: str) -> None:
    assert is_header_line(line)


@pytest.mark.parametrize("line", STATEMENTS)
def test_statements_are_not_headers(line: str) -> None:
    assert not is_header_line(line)


def test_headers_are_demoted_unless_the_question_asks_when_or_where_the_meeting_was() -> None:
    texts = ["Oaxaca, Oax., September 1999", "The working group was chaired by Ambassador Jeffrey Davidow."]
    logits = np.array([3.0, 1.0])
    who = demote_headers(logits, texts, "Who chaired the working group?", "person")
    assert who[0] == pytest.approx(3.0 - HEADER_PENALTY) and who[1] == 1.0
    # "when was the commission held" is answered by the dateline itself
    assert asks_about_meeting("Where and when was the 19th Binational Commission held?")
    kept = demote_headers(logits, texts, "Where and when was the 19th Binational Commission held?", "place")
    assert list(kept) == [3.0, 1.0]
    # but not a title line: "CONCLUSIONS OF THE WORKING GROUP" names no date
    title = ["CONCLUSIONS OF THE WORKING GROUP ON\nMIGRATION AND CONSULAR AFFAIRS", texts[1]]
    assert demote_headers(logits, title, "In which city did the working group meet in May 1997?", "place")[0] < 0
    # and a where-question is not answered by a dateline that names no place
    dated = ["May 5, 1997", texts[1]]
    assert demote_headers(logits, dated, "In which city did the working group meet in May 1997?", "place")[0] < 0
    assert demote_headers(logits, dated, "When did the working group meet?", "date")[0] == 3.0
    # a date question about something else: the meeting's dateline does not answer it
    ended = demote_headers(logits, texts, "When did the card program end?", "date")
    assert ended[0] < ended[1]


# a communiqué as it comes: its heading, dateline and group line are paragraphs of their own
COMMUNIQUE = """JOINT COMMUNIQUE

Oaxaca, Oax., September 1999

Working Group on Migration and Consular Affairs

The Working Group on Migration and Consular Affairs met in Oaxaca under the chairmanship of Ambassador \
Jeffrey Davidow and Undersecretary Juan Rebolledo.

The delegations reviewed the repatriation arrangements signed in 1998 and the protection of migrants.
"""
OTHER = """Border Crossing Cards

The replacement of the border crossing cards ended on October 1, 2002, after more than five million \
laser visas were issued.
"""


@pytest.fixture(scope="module")
def header_answerer(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Answerer:
    docs = [
        Document("oaxaca-1999-en", "en", "Joint communiqué", COMMUNIQUE, "1999-09-15"),
        Document("cards-2002-en", "en", "Border crossing cards", OTHER, "2002-10-02"),
    ]
    path = tmp_path_factory.mktemp("headers-index")
    build_index(docs, path, encoder, doc_mt=False, doc_mt_vectors=False)
    return Answerer(Searcher(open_snapshot(path), encoder))


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Who chaired the Working Group on Migration and Consular Affairs in Oaxaca?", "Davidow"),
        ("Which working group met in Oaxaca in September 1999?", "Working Group on Migration and Consular Affairs met"),
        ("When did the border crossing card replacement end?", "October 1, 2002"),
    ],
)
def test_the_quote_is_the_fact_not_the_header(header_answerer: Answerer, question: str, fact: str) -> None:
    answer = header_answerer.ask(question)
    assert answer.quote is not None, question
    assert not is_header_line(answer.quote.text), answer.quote.text
    assert fact in answer.quote.text


def test_a_who_question_quotes_the_naming_sentence_over_a_near_tie() -> None:
    from indexer.answers.type_preference import TYPE_MARGIN, prefer_typed

    logits = np.array([2.0, 1.5, 0.0])
    typed = np.array([False, True, True])
    swapped = prefer_typed(logits, typed, "person")
    assert int(np.argmax(swapped)) == 1 and sorted(swapped) == sorted(logits)  # same scores, new order
    assert list(prefer_typed(logits, typed, "date")) == list(logits)  # only who/which/where
    far = np.array([2.0, 2.0 - TYPE_MARGIN - 0.1, 0.0])
    assert list(prefer_typed(far, typed, "person")) == list(far)  # not a near-tie
    assert list(prefer_typed(logits, np.array([True, True, False]), "place")) == list(logits)


@pytest.mark.parametrize(
    "text",
    [
        "May 5, 1997",
        "CONCLUSIONS OF THE WORKING GROUP ON\nMIGRATION AND CONSULAR AFFAIRS",
        "XV COMISIÓN BINACIONAL\n11 DE JUNIO DE 1998\nWASHINGTON, D.C.",
        "Fact Sheet on Binational Commission\nJoint Cabinet Meeting/BNC",
    ],
)
def test_passages_of_header_lines_only(text: str) -> None:
    assert header_only(text)


def test_header_passages_give_their_place_to_statements() -> None:
    texts = [
        "May 5, 1997",
        "The delegations met.",
        "CONCLUSIONS OF THE WORKING GROUP",
        "Both sides agreed.",
        "The program ended in 2002.",
    ]
    assert statement_hits(texts, "Which presidents signed the Joint Statement in May 1997?", "person", 3) == [1, 3, 4]
    assert not header_only("May 5, 1997\nThe delegations met in Washington.")  # a statement under a dateline
    # a question about when the meeting itself was held keeps its dateline
    assert statement_hits(texts, "When did the working group meet?", "date", 3) == [0, 1, 2]
    # nothing but header lines listed: they are read (and quoted below every statement) rather than nothing
    assert statement_hits(["May 5, 1997", "JOINT COMMUNIQUE"], "Who signed it?", "person", 5) == [0, 1]


# a communiqué whose dateline and heading stayed passages, and a report that states the fact asked for
DATED = """The Working Group on Migration and Consular Affairs continued its useful and constructive dialogue on a \
range of issues.

May 5, 1997

CONCLUSIONS OF THE WORKING GROUP ON
MIGRATION AND CONSULAR AFFAIRS

May 1997

The Mexican delegation reiterated its deep concern over the impact on Mexican nationals of recently enacted \
U.S. welfare reform and immigration legislation.
"""
REPORT = """On May 6, 1997, President Ernesto Zedillo and President William Clinton signed a Joint Statement on \
Migration that recognized the migration issue as one of the highest priorities in the bilateral relationship.
"""


def test_ask_reads_statements_when_the_top_passages_are_header_lines(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> None:
    docs = [
        Document("wg-1997-en", "en", "Conclusions", DATED, "1997-05-05"),
        Document("progress-en", "en", "Progress report", REPORT),
    ]
    path = tmp_path_factory.mktemp("header-hits-index")
    build_index(docs, path, encoder, doc_mt=False, doc_mt_vectors=False)
    answerer = Answerer(Searcher(open_snapshot(path), encoder))
    answer = answerer.ask("Which presidents signed the Joint Statement on Migration in May 1997?", k=2)
    assert len(answer.search.hits) == 2  # the reply lists what was asked for
    assert any(header_only(h.passage.text) for h in answer.search.hits)  # the dateline ranks among them
    assert {c.reader.passage.doc_id for c in answer.candidates} >= {"progress-en"}
    assert not any(header_only(c.reader.passage.text) for c in answer.candidates)
    assert answer.quote is not None and "President Ernesto Zedillo" in answer.quote.text
