"""Dense vectors of the passages' machine translations (indexer.index.doc_mt_vectors) and cross-language search."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from eval.engine import index_documents
from eval.refusion import retrieval_key
from eval.tune import DOC_MT_DENSE, Candidate, doc_mt_dense_stage
from indexer.encoders import Encoder
from indexer.index import doc_mt, doc_mt_vectors
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import FusionConfig, Searcher, SearchFilters
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
def test_a_snapshot_without_them_searches_exactly_as_at_weight_zero(pair: tuple[Searcher, Searcher]) -> None:
    with_vectors, without = pair
    assert without.snapshot.manifest["doc_mt_vectors"] == {"available": False, "reason": "off"}
    assert without.snapshot.doc_mt_vectors is None
    assert not (without.snapshot.path / doc_mt_vectors.DIR).exists()
    zero = replace(FusionConfig(), doc_mt_dense=0.0, doc_mt_dense_mixed=0.0)  # both profiles' weights
    zero = Searcher(with_vectors.snapshot, with_vectors.encoder, zero)
    for filters in (TO_ES, SearchFilters(), SearchFilters(doc_lang="en")):
        assert _ids(without, filters) == _ids(zero, filters)
        assert zero.retrieve(QUERY, 10, "hybrid", "en", filters).doc_mt_dense == {}
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
    # same-language searches and other modes do not search it; unfiltered ones do (doc_mt_dense_mixed), on the
    # other language's passages only, and not at all at weight 0
    assert searcher.retrieve(QUERY, 10, "hybrid", "en", SearchFilters(doc_lang="en")).doc_mt_dense == {}
    mixed = searcher.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt_dense
    assert mixed and all(passages.lang(r) == "es" for r in mixed)
    zero = Searcher(searcher.snapshot, searcher.encoder, replace(FusionConfig(), doc_mt_dense_mixed=0.0))
    assert zero.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt_dense == {}
    assert searcher.retrieve(QUERY, 10, "dense", "en", TO_ES).doc_mt_dense == {}
    # a large weight puts its best passage first
    heavy = Searcher(searcher.snapshot, searcher.encoder, replace(FusionConfig(), doc_mt_dense=100.0))
    best = max(cands.doc_mt_dense.items(), key=lambda kv: kv[1])[0]
    assert _ids(heavy)[0] == passages.passage_ids[best]


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


def test_the_tuner_sweeps_its_weight_one_retrieval_pass_per_weight() -> None:
    base = FusionConfig()
    best = [Candidate("hybrid-rrf", base), Candidate("hybrid-weighted", base)]
    stage = doc_mt_dense_stage(best)
    assert stage and all(c.mode == "hybrid-weighted" for c in stage)
    weights = [c.config.doc_mt_dense for c in stage]
    assert weights == sorted(weights) and set(weights) == set(DOC_MT_DENSE)
    # the weight gates retrieval (at 0 nothing is searched): not a fusion-only setting
    assert retrieval_key(replace(base, doc_mt_dense=0.0)) != retrieval_key(base)
    assert retrieval_key(replace(base, rrf_doc_mt_dense=1.0)) == retrieval_key(base)


@needs_apertium
def test_bm25_mode_weighs_the_translated_query_by_its_own_setting(pair: tuple[Searcher, Searcher]) -> None:
    searcher = pair[0]
    snapshot, encoder = searcher.snapshot, searcher.encoder

    def bm25_ids(cfg: FusionConfig) -> list[str]:
        hits = Searcher(snapshot, encoder, cfg).search(QUERY, k=10, mode="bm25", filters=TO_ES).hits
        return [h.passage.passage_id for h in hits]

    base = FusionConfig()
    assert bm25_ids(replace(base, translated_bm25=50.0)) == bm25_ids(base)  # hybrid's weight: not used here
    cands = searcher.retrieve(QUERY, 10, "bm25", "en", TO_ES)
    assert cands.translated
    best = max(cands.translated.items(), key=lambda kv: kv[1])[0]
    assert bm25_ids(replace(base, translated_bm25_lexical=50.0))[0] == snapshot.passages.passage_ids[best]
