"""A sentence that repeats a better one nearly word for word (two fact sheets saying the same thing) is not its
rival: `ask` leaves it out before choosing the quote and taking the confidence's margin and shares (it stays
among the candidates it reports)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.answers import answer as answer_module
from indexer.answers.answer import Answerer
from indexer.answers.features import near_copies
from indexer.answers.preferences import contenders
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import read_document
from indexer.retrieval.search import Searcher

REALGENRE = Path(__file__).resolve().parents[1] / "eval" / "realgenre" / "docs"
ESTABLISHED = "The Binational Commission was established in 1981 by Presidents Reagan and Lopez Portillo"


def test_near_copies_in_score_order() -> None:
    texts = [
        f"{ESTABLISHED} to serve as a forum for meetings between Cabinet- level officials from both countries.",
        "Its 16 working groups were arranged under seven new thematically linked groups.",
        f"{ESTABLISHED} to serve as a forum for meetings between Cabinet-level officials from both countries.",
        f"{ESTABLISHED.upper()} TO SERVE AS A FORUM FOR MEETINGS BETWEEN CABINET-LEVEL OFFICIALS FROM BOTH COUNTRIES.",
        f"{ESTABLISHED}.",  # the same opening, a shorter sentence: not a copy
        "",
    ]
    assert near_copies(texts) == [False, False, True, True, False, False]
    assert near_copies([]) == []


@pytest.fixture(scope="module")
def fact_sheets(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Answerer:
    """rg18 and rg19: two State Department fact sheets on the Binational Commission that share sentences."""
    docs = [read_document(REALGENRE / f"{name}.txt", REALGENRE) for name in ("rg18", "rg19")]
    path = tmp_path_factory.mktemp("fact-sheets") / "index"
    build_index(docs, path, encoder, doc_mt=False, doc_mt_vectors=False)
    return Answerer(Searcher(open_snapshot(path), encoder))


def test_the_quotes_copy_in_the_other_fact_sheet_is_not_its_runner_up(
    fact_sheets: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "When was the Binational Commission established?"
    answer = fact_sheets.ask(question)
    assert answer.quote is not None and "established in 1981" in answer.quote.text
    # both fact sheets say it: every sentence stays among the candidates (what training records), and the copy
    # is left out of the confidence's evidence
    established = [c for c in answer.candidates if c.served.text.startswith(ESTABLISHED)]
    assert len(established) == 2
    kept = contenders([c.served.text for c in answer.candidates], np.stack([c.features for c in answer.candidates]))
    assert [bool(kept[answer.candidates.index(c)]) for c in established] == [True, False]
    # counted as a rival, the copy would halve the best sentence's share and leave it no margin
    monkeypatch.setattr(answer_module, "contenders", lambda texts, features: np.ones(len(texts), dtype=bool))
    rivalled = fact_sheets.ask(question)
    assert rivalled.quote is not None and rivalled.quote.text == answer.quote.text
    assert rivalled.confidence < answer.confidence
