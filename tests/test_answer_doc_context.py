"""A question's qualifiers ("at the Zacatecas meeting", "in 1999") count as said when the document's own context
(title, date, the header's meeting and place) says them: its sentences never repeat the header."""

from __future__ import annotations

import pytest

from indexer.answers.answer import Answerer
from indexer.answers.constraints import question_constraints, unmet
from indexer.answers.doc_context import date_words, document_context
from indexer.answers.scoring import SENTENCE_FEATURES
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher
from indexer.types import Document

# two meetings of one working group whose delegation sentences read alike; only the header (metadata) says where
DELEGATION = (
    "The Mexican delegation was headed by the Undersecretary for Bilateral Affairs from the Secretariat of Foreign "
    "Affairs, Juan Rebolledo, and the Commissioner of the National Migration Institute, {second}."
)
ZACATECAS = Document(
    "wg-1995-en",
    "en",
    "Working Group Meeting on Migration and Consular Affairs",
    "The Working Group on Migration and Consular Affairs met to continue its exchange on the migration "
    "phenomenon between both nations.\n\n" + DELEGATION.format(second="Fernando Solís Cámara"),
    "1995-02-14",
    meta={"place": "(Zacatecas", "working_group": "Working Group Meeting on Migration and Consular Affairs"},
)
OAXACA = Document(
    "wg-1999-en",
    "en",
    "Working Group on Migration and Consular Affairs Meeting",
    "The delegations reviewed the progress made since their previous meeting on the protection of migrants.\n\n"
    + DELEGATION.format(second="Alejandro Carrillo-Castro"),
    "1999-09-09",
    meta={"place": "Oaxaca, Oaxaca.", "working_group": "Working Group on Migration and Consular Affairs Meeting"},
)


def test_date_words_in_both_languages() -> None:
    assert date_words("1995-02-14") == "14 February febrero 1995"
    assert date_words("1999-09") == "September septiembre 1999"
    assert date_words("2003") == "2003"
    assert date_words("") == ""


def test_the_header_place_and_date_meet_the_questions_qualifiers() -> None:
    sentence = DELEGATION.format(second="Fernando Solís Cámara")
    asked = question_constraints("Who headed the Mexican delegation at the Zacatecas migration talks?")
    assert unmet(asked, sentence) == (0, 1)  # the sentence never says Zacatecas
    assert unmet(asked, sentence, document_context(ZACATECAS)) == (0, 0)
    assert unmet(asked, sentence, document_context(OAXACA)) == (0, 1)
    # "in February 1995": the year and month the document is dated
    dated = question_constraints("Who headed the Mexican delegation in February 1995?")
    assert unmet(dated, sentence, document_context(ZACATECAS)) == (0, 0)
    assert unmet(dated, sentence, document_context(OAXACA)) == (2, 0)


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Answerer:
    path = tmp_path_factory.mktemp("doc-context-index")
    build_index([ZACATECAS, OAXACA], path, encoder, doc_mt=False, doc_mt_vectors=False)
    return Answerer(Searcher(open_snapshot(path), encoder))


def test_the_meeting_the_question_names_is_told_apart_by_its_header(answerer: Answerer) -> None:
    answer = answerer.ask("Who headed the Mexican delegation at the Zacatecas migration talks?")
    miss = SENTENCE_FEATURES.index("passage_name_miss")
    delegation = {
        c.served.passage.doc_id: float(c.features[miss]) for c in answer.candidates if "Rebolledo" in c.served.text
    }
    assert delegation == {"wg-1995-en": 0.0, "wg-1999-en": 0.5}  # Zacatecas said by its header; Oaxaca's never
