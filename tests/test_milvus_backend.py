"""The Milvus backend on the embedded engine: one build publishes the snapshot and its collection, and
search, ask and the API give the local backend's top hits (ranking is the same code on both)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pymilvus", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")
pytest.importorskip("milvus_lite", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")

from fastapi.testclient import TestClient

from indexer.answers.answer import Answerer
from indexer.encoders import Encoder
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.index.milvus_open import client as milvus_client
from indexer.index.milvus_open import close
from indexer.index.milvus_schema import collection_name
from indexer.index.milvus_search import MilvusLexical, MilvusVectors
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document
from service.app import create_app
from service.config import Settings
from tests.conftest import CORPUS, EN_DOC

pytestmark = pytest.mark.slow  # an embedded server and a build of the corpus with its collection

QUERIES = [
    "consular protection of migrants",
    "protección consular de migrantes",
    "border water",
    "agua en la frontera",
    "narcotics trafficking cooperation",
    "cooperación contra el narcotráfico",
    "when did the commission meet?",
    "¿cuándo se reunió la comisión?",
]
FILTERS = [None, SearchFilters(doc_lang="en"), SearchFilters(doc_lang="es")]


@pytest.fixture(scope="module")
def milvus_index(
    tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder
) -> Iterator[tuple[Path, str]]:
    """The bundled corpus built once with a Milvus collection next to the local indexes; the server stopped after."""
    root = tmp_path_factory.mktemp("milvus-backend")
    index_dir, uri = root / "index", str(root / "milvus.db")
    try:
        build_index(corpus_docs, index_dir, encoder, milvus_uri=uri)
        yield index_dir, uri
    finally:
        close(uri)


@pytest.fixture(scope="module")
def both(milvus_index: tuple[Path, str], encoder: Encoder) -> tuple[Searcher, Searcher]:
    index_dir, uri = milvus_index
    return Searcher(open_snapshot(index_dir), encoder), Searcher(open_snapshot(index_dir, milvus_uri=uri), encoder)


def test_the_milvus_snapshot_holds_no_local_index_in_memory(both: tuple[Searcher, Searcher]) -> None:
    _, remote = both
    snapshot = remote.snapshot
    assert isinstance(snapshot.lexical, MilvusLexical) and isinstance(snapshot.vectors, MilvusVectors)
    assert isinstance(snapshot.doc_mt, MilvusLexical) and isinstance(snapshot.doc_mt_vectors, MilvusVectors)
    assert snapshot.manifest["milvus"]["collection"] == collection_name(snapshot.version)
    assert snapshot.manifest["milvus"]["rows"] == len(snapshot.passages)


@pytest.mark.parametrize("query", QUERIES)
def test_hybrid_search_gives_the_local_top_hits(both: tuple[Searcher, Searcher], query: str) -> None:
    local, remote = both
    for filters in FILTERS:
        want = local.search(query, k=5, filters=filters)
        got = remote.search(query, k=5, filters=filters)
        assert [h.passage.passage_id for h in got.hits] == [h.passage.passage_id for h in want.hits]
        for a, b in zip(got.hits, want.hits, strict=True):
            assert a.score == pytest.approx(b.score, rel=0.005, abs=0.05)  # the learned ranker scores ~100


@pytest.mark.parametrize("query", QUERIES[:4])
def test_each_retriever_finds_the_local_best(both: tuple[Searcher, Searcher], query: str) -> None:
    """BM25 (scores within 3%: tantivy quantizes field lengths) and dense (the same vectors, exactly)."""
    local, remote = both
    for mode in ("bm25", "dense"):
        want = local.search(query, k=3, mode=mode)
        got = remote.search(query, k=3, mode=mode)
        assert got.hits[0].passage.passage_id == want.hits[0].passage.passage_id
        assert got.hits[0].score == pytest.approx(want.hits[0].score, rel=0.03)


def test_ask_quotes_the_same_sentence(both: tuple[Searcher, Searcher]) -> None:
    local, remote = both
    for question in ("What did the commission agree on consular protection?", "¿Qué acordaron sobre el agua?"):
        want, got = Answerer(local).ask(question), Answerer(remote).ask(question)
        assert got.answered == want.answered
        assert got.confidence == pytest.approx(want.confidence, abs=0.02)
        assert want.quote is not None and got.quote is not None
        assert got.quote.text == want.quote.text
        assert got.quote.citation == want.quote.citation


def test_the_api_serves_from_milvus(milvus_index: tuple[Path, str], encoder: Encoder) -> None:
    index_dir, uri = milvus_index
    settings = Settings(index=index_dir, corpus=CORPUS, backend="milvus", milvus_uri=uri, reconcile_on_start=False)
    app = create_app(settings, encoder=encoder)
    with TestClient(app) as api:
        body = api.get("/api/search", params={"q": "consular protection of migrants", "k": 3}).json()
        assert isinstance(app.state.engine.searcher().snapshot.vectors, MilvusVectors)
    local = Searcher(open_snapshot(index_dir), encoder).search("consular protection of migrants", k=3)
    assert [h["passage_id"] for h in body["hits"]] == [h.passage.passage_id for h in local.hits]
    assert any(h["doc_id"] == EN_DOC for h in body["hits"])


def test_a_failed_milvus_write_leaves_the_previous_version_serving(
    milvus_index: tuple[Path, str], corpus_docs: list[Document], encoder: Encoder
) -> None:
    """Milvus unreachable during a publish (nothing listens on the port): CURRENT and its collection stay."""
    index_dir, uri = milvus_index
    before = snap.current_version(index_dir)
    with pytest.raises(Exception):  # noqa: B017 - whatever the client raises, the build must not publish
        build_index(corpus_docs[:1], index_dir, encoder, milvus_uri="http://127.0.0.1:8669")
    assert snap.current_version(index_dir) == before
    searcher = Searcher(open_snapshot(index_dir, milvus_uri=uri), encoder)
    assert searcher.version == before and searcher.search("consular protection", k=3).hits


def test_a_new_version_gets_its_own_collection_and_retention_drops_the_old(
    milvus_index: tuple[Path, str], corpus_docs: list[Document], encoder: Encoder
) -> None:
    index_dir, uri = milvus_index
    first = snap.current_version(index_dir)
    assert first is not None
    build_index(corpus_docs[:1], index_dir, encoder, milvus_uri=uri, keep=1)
    second = snap.current_version(index_dir)
    assert second is not None and second != first
    names = milvus_client(uri).list_collections()
    assert collection_name(second) in names and collection_name(first) not in names
    searcher = Searcher(open_snapshot(index_dir, milvus_uri=uri), encoder)
    assert {h.passage.doc_id for h in searcher.search("migration", k=10).hits} <= {corpus_docs[0].doc_id}
