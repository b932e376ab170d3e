"""How `ask` reads the search's hits: the learned ranker's, each passage once, a passage in the other language
without a twin against the question's translation, and a hit's passage_score is its softmax weight relative to
the top hit (scale-free: the ranker's scores can be negative)."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from indexer.answers.answer import Answerer
from indexer.answers.features import passage_weights
from indexer.answers.scoring import SENTENCE_FEATURES
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import read_document
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document


def test_passage_weights_are_relative_softmax_weights() -> None:
    scores = [-0.4, -1.4, -3.0]  # the learned ranker's scores are often all negative
    weights = passage_weights(scores)
    assert weights[0] == 1.0
    assert weights[1] == pytest.approx(1 / math.e)
    assert all(0 < w <= 1 for w in weights)
    # a constant added to every score changes nothing (a ratio of scores would flip sign here)
    assert passage_weights([s + 7.5 for s in scores]) == pytest.approx(weights)
    assert passage_weights([]) == []


def test_ask_uses_the_searchs_learned_ranking(searcher: Searcher) -> None:
    answerer = Answerer(searcher)
    question = "When did the Border Crossing Card replacement program end?"
    answer = answerer.ask(question)
    assert answer.search.fusion == "learned"
    listed = searcher.search(question, k=len(answer.search.hits), mode="hybrid")
    assert [h.passage.passage_id for h in answer.search.hits] == [h.passage.passage_id for h in listed.hits]
    weights = passage_weights([h.score for h in answer.search.hits])
    column = SENTENCE_FEATURES.index("passage_score")
    seen = {round(float(c.features[column]), 9) for c in answer.candidates}
    assert seen <= {round(w, 9) for w in weights}
    assert 1.0 in seen


def test_a_passage_listed_twice_is_read_once(searcher: Searcher) -> None:
    # a search can list one passage twice (two rows of a document and its excerpt copy collapse onto one twin);
    # its sentences must not compete with themselves
    answerer = Answerer(searcher)
    question = "When did the Border Crossing Card replacement program end?"
    result = searcher.search(question, k=3, mode="hybrid")
    doubled = copy.copy(result)
    doubled.hits = [result.hits[0], *result.hits]
    once = answerer.candidates(question, result, "date")
    twice = answerer.candidates(question, doubled, "date")
    keys = [(c.reader.passage.passage_id, c.index) for c in twice]
    assert len(keys) == len(set(keys))
    assert [(c.reader.passage.passage_id, c.index) for c in once] == keys


# an English fact sheet with no Spanish version: a Spanish question reads it through the search's translation
FACT_SHEET = (
    "The Binational Commission was established in 1981 by Presidents Reagan and Lopez Portillo to serve as a forum "
    "for meetings between Cabinet-level officials.\n\nIts 16 working groups were arranged under seven new "
    'thematically linked "Binational Groups" jointly chaired by a Mexican and U.S. Cabinet officer.'
)


def test_a_passage_in_the_other_language_without_a_twin_is_read_against_the_translation(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> None:
    path = tmp_path_factory.mktemp("untwinned-index")
    build_index([Document("bnc-fact-sheet-en", "en", "Fact sheet", FACT_SHEET)], path, encoder)
    answerer = Answerer(Searcher(open_snapshot(path), encoder))
    answer = answerer.ask("¿En qué año se creó la Comisión Binacional?")
    assert answer.search.translation is not None and answer.search.translation.target == "en"
    established = next(c for c in answer.candidates if "established in 1981" in c.reader.text)
    column = {name: SENTENCE_FEATURES.index(name) for name in ("name_miss", "overlap")}
    # "Comisión Binacional" is the sentence's "Binational Commission" (compared as asked, both names would be
    # missing); the glossary adds "Binational Commission" and "BNC" to the translation: one name, said by either
    assert established.features[column["name_miss"]] == 0.0
    assert established.features[column["overlap"]] > 0.0


def test_two_hits_read_through_one_twin_are_read_once(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> None:
    # rg11 (ES) aligns one paragraph to two of rg10 (EN): a search filtered to the other language lists both
    # English paragraphs (unfiltered searches show each pair once; filtered ones do not collapse twins), and a
    # Spanish asker reads each through the same Spanish twin; that paragraph's sentences are read once
    realgenre = Path(__file__).resolve().parents[1] / "eval" / "realgenre" / "docs"
    docs = [read_document(realgenre / f"{name}.txt", realgenre) for name in ("rg10", "rg11")]
    path = tmp_path_factory.mktemp("one-twin-two-hits") / "index"
    build_index(docs, path, encoder, doc_mt=False, doc_mt_vectors=False)
    searcher = Searcher(open_snapshot(path), encoder)
    question = "¿Quién presidió la delegación de Estados Unidos en Oaxaca?"
    result = searcher.search(question, k=7, mode="hybrid", filters=SearchFilters(doc_lang="en"))
    twins = [h.twin.passage_id for h in result.hits if h.twin is not None]
    assert len(twins) > len(set(twins)), "no two hits share a twin any more"
    cands = Answerer(searcher).candidates(question, result, "person")
    keys = [(c.reader.passage.passage_id, c.index) for c in cands]
    assert keys and len(keys) == len(set(keys))
