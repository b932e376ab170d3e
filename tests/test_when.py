"""Dates and meetings in the question: read in English and Spanish, preferred softly, removable."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import DATE_BOOST, Searcher, SearchFilters
from indexer.retrieval.when import Understood, matches, understand
from tests.conftest import CORPUS

DATED = Path(__file__).resolve().parents[1] / "eval" / "dated" / "communiques"


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        ("Where did the Working Group meet in February 1995?", "en", ("1995-02-01", "1995-02-28", None)),
        ("¿Dónde se reunió el Grupo de Trabajo en febrero de 1995?", "es", ("1995-02-01", "1995-02-28", None)),
        ("What was signed en junio de 1998?", "es", ("1998-06-01", "1998-06-30", None)),
        ("What was agreed on November 26, 2002?", "en", ("2002-11-26", "2002-11-28", None)),
        ("¿Qué se acordó el 26 de noviembre de 2002?", "es", ("2002-11-26", "2002-11-28", None)),
        ("What did the working group do in 1999?", "en", ("1999-01-01", "1999-12-31", None)),
        ("What did the XV BNC decide?", "en", (None, None, 15)),
        ("¿Qué acordó la XIX Comisión Binacional?", "es", (None, None, 19)),
        ("What did the 16th Binational Commission add?", "en", (None, None, 16)),
    ],
)
def test_dates_and_meetings_are_read(question: str, lang: str, expected: tuple[str | None, str | None, int]) -> None:
    got = understand(question, lang)
    assert got is not None and (got.date_from, got.date_to, got.meeting_number) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Since 1995, what has the Working Group tried to improve?",
        "¿Qué ha mejorado desde 1995?",
        "border crossing cards",
    ],
)
def test_ranges_and_plain_questions_name_no_date(question: str) -> None:
    assert understand(question, "en") is None


def test_matches_a_document_by_date_or_meeting() -> None:
    feb95 = Understood("February 1995", "1995-02-01", "1995-02-28")
    assert matches(feb95, "1995-02-17", None) and not matches(feb95, "1999-05-21", None)
    assert not matches(feb95, None, None)
    xv = Understood("XV BNC", meeting_number=15)
    assert matches(xv, "1998-06-11", "15") and not matches(xv, "1998-06-11", "16")


@pytest.fixture(scope="module")
def dated_searcher(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Searcher:
    docs = load_corpus(CORPUS).documents + load_corpus(DATED).documents
    path = tmp_path_factory.mktemp("dated")
    build_index(docs, path, encoder)
    return Searcher(open_snapshot(path), encoder)


def test_the_asked_meeting_ranks_first_and_the_preference_can_be_removed(dated_searcher: Searcher) -> None:
    question = "Where did the Working Group meet in February 1995?"
    result = dated_searcher.search(question, k=5)
    assert result.understood is not None and result.understood.text == "February 1995"
    assert result.hits[0].passage.doc_id == "wg-migration-1995-zacatecas-en"
    plain = dated_searcher.search(question, k=5, filters=SearchFilters(understand=False))
    assert plain.understood is None
    assert {h.passage.doc_id for h in plain.hits} >= {h.passage.doc_id for h in result.hits[:1]}  # not filtered
    # the untrained rankings multiply the preferred documents' scores by 1 + DATE_BOOST, the rest unchanged
    cands = dated_searcher.retrieve(question, 5)
    assert cands.preferred
    boosted = dict(dated_searcher.rank(cands, 1000, "rrf"))
    unboosted = dict(dated_searcher.rank(replace(cands, preferred=frozenset()), 1000, "rrf"))
    doc_id = dated_searcher.snapshot.passages.doc_id
    for row, score in unboosted.items():
        factor = 1.0 + DATE_BOOST if doc_id(row) in cands.preferred else 1.0
        assert boosted[row] == pytest.approx(score * factor)


def test_a_date_that_is_only_context_gets_no_preference(dated_searcher: Searcher) -> None:
    """The 1995 study's report came out in 1998: "the study launched in ... 1995" dates the study,
    not the answer. Read as context, it prefers nothing (a preference for 1995 demoted the answer)."""
    question = "When did the researchers present the report of the study launched in Zacatecas in 1995?"
    read = understand(question, "en")
    assert read is not None and read.context and read.text == "1995"
    result = dated_searcher.search(question, k=10)
    assert result.understood is None  # nothing is preferred, so nothing is shown as understood
    plain = dated_searcher.search(question, k=10, filters=SearchFilters(understand=False))
    ids = [h.passage.passage_id for h in result.hits]
    assert ids == [h.passage.passage_id for h in plain.hits]
    for fusion in ("rrf", "learned"):  # neither the boost nor the model's date feature prefers a context date
        read_ids = [h.passage.passage_id for h in dated_searcher.search(question, k=10, fusion_method=fusion).hits]
        unread = dated_searcher.search(question, k=10, filters=SearchFilters(understand=False), fusion_method=fusion)
        assert read_ids == [h.passage.passage_id for h in unread.hits]


@pytest.mark.parametrize(
    ("question", "lang", "date", "context"),
    [
        ("What did the delegations report about the campaign launched in June 1998?", "en", "June 1998", True),
        ("When did the researchers present the report of the study that began in 1995?", "en", "1995", True),
        ("What did the delegations say about the plan, which began in 1998?", "en", "1998", True),
        ("¿Qué se acordó sobre el programa que comenzó en 1998?", "es", "1998", True),
        ("¿A qué ciudades se extendieron los mecanismos de enlace creados en 1996?", "es", "1996", True),
        ("¿Qué se añadió a la agenda del memorando que se firmó en mayo de 1996?", "es", "mayo de 1996", True),
        # a later date that is not context is the one asked
        ("What did the study launched in 1995 conclude in 1998?", "en", "1998", False),
        # the question's own verb (passive, "did", "se"), and its own question word, are not a clause
        ("What border safety campaign was launched in June 1998?", "en", "June 1998", False),
        ("What study did the delegations launch in 1995?", "en", "1995", False),
        ("Which mechanisms were created in 1996?", "en", "1996", False),
        ("Which cities got border liaison mechanisms in 1996?", "en", "1996", False),
        ("Who will consuls hold regular meetings with, as agreed in 1996?", "en", "1996", False),
        ("¿Qué campaña de seguridad fronteriza se lanzó en junio de 1998?", "es", "junio de 1998", False),
        ("¿Qué estudio fue lanzado en 1995?", "es", "1995", False),
        ("¿Qué mecanismos se crearon en 1996?", "es", "1996", False),
        # a participle clause set off by commas, and relatives of possession, are context
        ("What was reported about the treaty, ratified in March 1997, last year?", "en", "March 1997", True),
        ("¿Qué pasó con el acuerdo, firmado en abril de 1997, un año después?", "es", "abril de 1997", True),
        ("What did the panel whose creation was approved in 1994 recommend?", "en", "1994", True),
        ("¿Qué recomendó el comité cuya creación se aprobó en 1994?", "es", "1994", True),
        # a participle that places the meeting itself, and the main verb of a passive question, are not
        ("What was decided at the session held in Monterrey in April 1997?", "en", "April 1997", False),
        ("¿Qué decidieron los cancilleres, reunidos en Monterrey en abril de 1997?", "es", "abril de 1997", False),
        ("Which ports were the new lanes opened at in 1997?", "en", "1997", False),
        ("How many visas were reported granted in 1997?", "en", "1997", False),
        # ... though a participle clause after that verb still is
        ("What rule was added after the program started in 1994?", "en", "1994", True),
        # an event's date: a question's own verb dating an event, a noun's "of/de" date, what "happened"
        ("Which presidents signed the Joint Statement in May 1997?", "en", "May 1997", True),
        ("¿Qué acordaron las delegaciones sobre los incidentes de abril de 1996?", "es", "abril de 1996", True),
        ("What did the delegations say about the incidents of April 1996?", "en", "April 1996", True),
        ("What happened in April 1996?", "en", "April 1996", True),
        # ... but the meeting's or a document's own date, or a span of time, is asked
        ("What was agreed at the meeting of May 1996?", "en", "May 1996", False),
        ("¿Qué se acordó en la reunión de junio de 1998?", "es", "junio de 1998", False),
        # "Estados Unidos" is a name, not a participle clause
        ("¿Quién encabezó la delegación de Estados Unidos en septiembre de 1995?", "es", "septiembre de 1995", False),
        ("What did the delegations agree in the first week of May 1996?", "en", "May 1996", False),
    ],
)
def test_a_date_in_a_clause_describing_a_noun_is_read_as_context(
    question: str, lang: str, date: str, context: bool
) -> None:
    got = understand(question, lang)
    assert got is not None and (got.text, got.context) == (date, context)
    assert "context" not in got.to_dict()  # the public shape is unchanged


def test_the_context_dev_questions_are_read_as_their_kind() -> None:
    """eval/dated/context-dev.jsonl, the dev set the rule was written on: context questions are read as
    context, the questions worded alike whose date is asked are not."""
    rows = [json.loads(line) for line in (HELDOUT.parent / "context-dev.jsonl").open(encoding="utf-8")]
    heldout = {r["question"] for r in _heldout()}
    assert {r["lang"] for r in rows} == {"en", "es"} and not heldout & {r["question"] for r in rows}
    for row in rows:
        got = understand(row["question"], row["lang"])
        assert got is not None and got.context == (row["kind"] == "context"), row["id"]
        assert understand(row["undated"], row["lang"]) is None, row["id"]


def test_api_shows_the_understood_date_and_takes_understand_false(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "What was agreed in November 2002?", "k": 3}).json()
    assert body["understood"]["text"] == "November 2002"
    assert body["understood"]["remove"] == {"understand": False}
    off = client.get("/api/search", params={"q": "What was agreed in November 2002?", "k": 3, "understand": False})
    assert off.status_code == 200 and off.json()["understood"] is None
    asked = client.post("/api/ask", json={"q": "What was agreed in November 2002?"}).json()
    assert asked["understood"]["date_from"] == "2002-11-01"


HELDOUT = Path(__file__).resolve().parents[1] / "eval" / "dated" / "heldout.jsonl"


def _heldout() -> list[dict[str, Any]]:
    return [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_heldout_dated_questions_are_new_and_name_their_date() -> None:
    tuned = {json.loads(line)["question"] for line in (HELDOUT.parent / "questions.jsonl").open(encoding="utf-8")}
    rows = _heldout()
    assert len(rows) >= 20 and {r["lang"] for r in rows} == {"en", "es"}
    assert not tuned & {r["question"] for r in rows}  # never used to choose date_boost
    assert {r["kind"] for r in rows} == {"date", "meeting", "context"}
    for row in rows:
        assert understand(row["question"], row["lang"]) is not None, row["id"]
        assert understand(row["undated"], row["lang"]) is None, row["id"]


def test_the_boost_ranks_the_heldout_dated_questions_untuned(dated_searcher: Searcher) -> None:
    """eval/dated/heldout.jsonl, never used to choose anything: the asked communiqué first for at least 15
    of 17 date and meeting questions, with RRF's boost (fewer without it) and with the learned ranker's date
    feature. Where the date is only context the answer stays in the top 3."""

    def rank(row: dict[str, Any], fusion: str, understand: bool = True) -> int:
        filters = SearchFilters(understand=understand)
        hits = dated_searcher.search(row["question"], k=10, filters=filters, fusion_method=fusion).hits
        docs = list(dict.fromkeys(h.passage.doc_id for h in hits))
        return next((i for i, d in enumerate(docs, start=1) if d in row["doc_ids"]), 99)

    rows = _heldout()
    asked = [r for r in rows if r["kind"] != "context"]
    rrf = sum(rank(r, "rrf") == 1 for r in asked)
    assert rrf >= 15 > sum(rank(r, "rrf", understand=False) == 1 for r in asked)
    assert sum(rank(r, "learned") == 1 for r in asked) >= 15
    context = [r for r in rows if r["kind"] == "context"]
    assert max(rank(r, fusion) for r in context for fusion in ("rrf", "learned")) <= 3


def test_the_place_of_the_header_narrows_the_dates_documents(dated_searcher: Searcher) -> None:
    """'Mexico City 1998': the place is metadata read from the header, no passage; it picks among 1998's documents."""
    cands = dated_searcher.retrieve("What was agreed in Mexico City in June 1998?", 5)
    assert cands.understood is not None and cands.understood.place == "Mexico City"
    assert cands.preferred == {"bnc-xv-1998-migration-en", "bnc-xv-1998-migracion-es"}
    assert dated_searcher.retrieve("What was agreed in June 1998?", 5).preferred >= cands.preferred


def test_a_meeting_named_by_its_place_prefers_its_document(dated_searcher: Searcher) -> None:
    """No date, only the place: the document whose header place it is comes first; a body that merely mentions
    the place is not preferred (only metadata is matched)."""
    for question, lang in (
        ("Who headed the United States delegation at the Zacatecas meeting?", "en"),
        ("¿Quién encabezó la delegación de Estados Unidos en la reunión de Zacatecas?", "es"),
    ):
        result = dated_searcher.search(question, k=5, lang=lang, filters=SearchFilters(doc_lang="en"))
        assert result.understood is not None and result.understood.place == "Zacatecas"
        assert result.hits[0].passage.doc_id == "wg-migration-1995-zacatecas-en"
        cands = dated_searcher.retrieve(question, 5, lang=lang)
        assert cands.preferred == {"wg-migration-1995-zacatecas-en"}
        assert "bnc-xiii-1996-migration-en" in {dated_searcher.snapshot.passages.doc_id(r) for r in cands.lexical}
        # (its body recalls the Zacatecas meeting; its header place is Mexico City)
    assert dated_searcher.retrieve("What did Mexico propose on migration?", 5).preferred == frozenset()


def test_the_named_date_does_not_lift_a_document_that_does_not_answer(dated_searcher: Searcher) -> None:
    """Only the XVI Commission (1999) put the death penalty on the agenda; the June 1998 communiqué, of the date
    the question names, says nothing of it. The ranker weighs the date with the passage's best sentence
    (date_sentence) and a smaller date weight, so the document that answers stays first."""
    question = "Which agenda item on the death penalty was added in 1998?"
    result = dated_searcher.search(question, k=5, lang="en", filters=SearchFilters(doc_lang="en"), group="document")
    assert result.understood is not None and result.understood.text == "1998"
    assert [h.passage.doc_id for h in result.hits[:2]] == ["bnc-xvi-1999-migration-en", "bnc-xv-1998-migration-en"]
