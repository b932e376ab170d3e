"""Dense vectors of the passages' machine translations (indexer.index.doc_mt_vectors) and cross-language search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.engine import index_documents
from indexer.encoders import Encoder
from indexer.index import doc_mt, doc_mt_vectors
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters
from indexer.types import Document
from tests.helpers import seeded_index

needs_apertium = pytest.mark.skipif(
    not doc_mt.default_doc_translator().available(), reason="Apertium not installed (.ci/apertium-setup.sh)"
)
QUERY = "Who will replace the border crossing cards?"
TO_ES = SearchFilters(doc_lang="es")


@pytest.fixture(scope="module")
def pair(
    tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder, index_dir: Path
) -> tuple[Searcher, Searcher]:
    """The corpus without translation links, built with and without translation vectors."""
    docs = index_documents(corpus_docs, link_translations=False)
    with_path = seeded_index(tmp_path_factory.mktemp("with-mt-vectors"), index_dir)
    without_path = seeded_index(tmp_path_factory.mktemp("without-mt-vectors"), index_dir)
    build_index(docs, with_path, encoder)
    build_index(docs, without_path, encoder, doc_mt_vectors=False)
    return Searcher(open_snapshot(with_path), encoder), Searcher(open_snapshot(without_path), encoder)


def _ids(searcher: Searcher, filters: SearchFilters = TO_ES, query: str = QUERY) -> list[str]:
    return [h.passage.passage_id for h in searcher.search(query, k=10, filters=filters).hits]


@needs_apertium
def test_each_passage_row_holds_the_vector_of_its_translation(index_dir: Path, encoder: Encoder) -> None:
    snapshot = open_snapshot(index_dir)
    entry = snapshot.manifest["doc_mt_vectors"]
    assert entry["available"] and entry["passages"] == len(snapshot.passages)
    assert snapshot.doc_mt_vectors is not None and snapshot.doc_mt_vectors.size == len(snapshot.passages)
    assert any(name.startswith(f"{doc_mt_vectors.DIR}/") for name in snapshot.manifest["files"])  # checksummed
    texts = {r["pid"]: r["text"] for r in snap.iter_jsonl(snapshot.path / doc_mt.FILE)}
    stored = snapshot.doc_mt_vectors.vectors()
    for row in (0, len(snapshot.passages) - 1):
        fresh = encoder.encode_passages([texts[snapshot.passages.passage_ids[row]]])[0]
        assert np.allclose(stored[row], fresh, atol=1e-3)  # encoded as a passage, like the main index


@needs_apertium
def test_a_snapshot_without_them_gathers_the_rest_of_the_evidence(pair: tuple[Searcher, Searcher]) -> None:
    with_vectors, without = pair
    assert without.snapshot.manifest["doc_mt_vectors"] == {"available": False, "reason": "off"}
    assert without.snapshot.doc_mt_vectors is None
    assert not (without.snapshot.path / doc_mt_vectors.DIR).exists()
    for filters in (TO_ES, SearchFilters(), SearchFilters(doc_lang="en")):
        plain, full = (s.retrieve(QUERY, 10, "hybrid", "en", filters) for s in (without, with_vectors))
        assert plain.doc_mt_dense == {} and _ids(without, filters)
        assert (plain.lexical, plain.translated, plain.doc_mt) == (full.lexical, full.translated, full.doc_mt)
    assert without.retrieve(QUERY, 10, "hybrid", "en", TO_ES).doc_mt_dense == {}


@needs_apertium
def test_cross_language_search_adds_the_query_vector_against_the_translations(
    pair: tuple[Searcher, Searcher],
) -> None:
    searcher = pair[0]
    passages = searcher.snapshot.passages
    cands = searcher.retrieve(QUERY, 10, "hybrid", "en", TO_ES)
    assert cands.doc_mt_dense and all(passages.lang(r) == "es" for r in cands.doc_mt_dense)
    assert all(r in cands.dense or r in cands.extra for r in cands.doc_mt_dense)  # hits report their own dense score
    result = searcher.search(QUERY, k=10, filters=TO_ES)
    assert "ann_doc_mt" in result.stages and "encode_translated" not in result.stages  # no second encoding
    assert all(
        h.passage.lang == "es" and h.passage.text == passages.text(searcher.snapshot.rows[h.passage.passage_id])
        for h in result.hits
    )  # never a quote: the passages' own text
    # same-language searches and other modes do not search it; unfiltered ones do, on the other language's
    # passages only (those without a twin), and not at all with doc_mt off
    assert searcher.retrieve(QUERY, 10, "hybrid", "en", SearchFilters(doc_lang="en")).doc_mt_dense == {}
    mixed = searcher.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt_dense
    assert mixed and all(passages.lang(r) == "es" for r in mixed)
    off = Searcher(searcher.snapshot, searcher.encoder, RankingConfig(doc_mt=False))
    assert off.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt_dense == {}
    assert off.retrieve(QUERY, 10, "hybrid", "en", TO_ES).doc_mt_dense == {}
    assert searcher.retrieve(QUERY, 10, "dense", "en", TO_ES).doc_mt_dense == {}


@needs_apertium
def test_an_add_only_build_encodes_only_new_translations_and_extends_the_graph(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, index_dir: Path
) -> None:
    path = seeded_index(tmp_path, index_dir)
    en, es = sorted(corpus_docs, key=lambda d: d.lang)[:2]
    build_index([en], path, encoder, exact_max=4)
    first = open_snapshot(path)
    assert first.manifest["doc_mt_vectors"]["kind"] == "hnsw-fp16"
    (path / "cache" / "embeddings.sqlite").unlink()  # only the served snapshot can supply old vectors now
    build_index([en, es], path, encoder, exact_max=4)
    second = open_snapshot(path)
    entry = second.manifest["doc_mt_vectors"]
    added = [p for p in second.passages if p.doc_id == es.doc_id]
    assert entry["extended"] and entry["encoded"] == len(added)
    assert second.doc_mt_vectors is not None and first.doc_mt_vectors is not None
    rows = {p.passage_id: r for r, p in enumerate(second.passages)}
    old, new = first.doc_mt_vectors.vectors(), second.doc_mt_vectors.vectors()
    for r, p in enumerate(first.passages):  # the previous rows keep their vectors at their new rows
        assert np.array_equal(old[r], new[rows[p.passage_id]])
