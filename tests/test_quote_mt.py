"""Unofficial machine translation of hits that have no translation in the asker's language."""

from __future__ import annotations

import pytest

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.quote_mt import needs_translation
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.translate import default_translator
from indexer.types import Document
from service.queries import run_search
from service.schemas import SearchCreate

WATER_ES = "El tratado de aguas de 1944 rige el reparto de los ríos entre los dos países."


@pytest.fixture(scope="module")
def lone_searcher(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Searcher:
    """A Spanish communiqué with no English translation, next to an unrelated English one."""
    docs = [
        Document("water-es", "es", "Aguas", WATER_ES, date="2003-01-10"),
        Document(
            "visa-en", "en", "Visas", "Laser visas let border residents cross for short visits.", date="2003-01-11"
        ),
    ]
    path = tmp_path_factory.mktemp("lone")
    build_index(docs, path, encoder)
    return Searcher(open_snapshot(path), encoder)


def test_only_other_language_hits_without_twin_need_translation(lone_searcher: Searcher) -> None:
    result = lone_searcher.search("water treaty rivers", k=2, lang="en")
    wanted = [result.hits[i].passage.doc_id for i in needs_translation(result)]
    assert wanted == ["water-es"]


@pytest.mark.skipif(not default_translator().available(), reason="Apertium not installed")
def test_api_adds_a_labeled_machine_translation_next_to_the_quote(lone_searcher: Searcher) -> None:
    body = SearchCreate(q="water treaty rivers", k=2, lang="en", doc_lang="es", translate_hits=True)
    out = run_search(lone_searcher, body)
    hit = out["hits"][0]
    assert hit["text"] == WATER_ES  # the quote stays the quote
    mt = hit["machine_translation"]
    assert mt["lang"] == "en" and mt["official"] is False and mt["label"] == "unofficial machine translation"
    assert "treaty" in mt["text"] and "rivers" in mt["text"]
    plain = run_search(lone_searcher, SearchCreate(q="water treaty rivers", k=2, lang="en", doc_lang="es"))
    assert plain["hits"][0]["machine_translation"] is None
    same = run_search(lone_searcher, SearchCreate(q="tratado de aguas", k=1, lang="es", translate_hits=True))
    assert same["hits"][0]["doc_id"] == "water-es" and same["hits"][0]["machine_translation"] is None
    assert out["translation"]["label"] == "unofficial machine translation"


def test_search_filters_are_unchanged_by_translation(lone_searcher: Searcher) -> None:
    result = lone_searcher.search("laser visas", k=5, filters=SearchFilters(doc_lang="en"))
    assert {h.passage.doc_id for h in result.hits} == {"visa-en"}
