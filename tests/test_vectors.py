"""The approximate vector index above the exact threshold: same answers, stable reuse."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.index.vectors import VectorIndex, build_vectors, index_kind
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document


def test_hnsw_index_finds_what_exact_search_finds(index_dir: Path, encoder: Encoder) -> None:
    exact = open_snapshot(index_dir).vectors
    vectors = exact.vectors()
    approx = VectorIndex(build_vectors(vectors, exact_max=10))
    assert index_kind(exact.index) == "flat"
    assert index_kind(approx.index) == "hnsw-fp16"
    queries = encoder.encode_queries(
        ["Border Crossing Card replacement", "notificación consular", "repatriación lateral", "SENTRI"]
    )
    for q in queries:
        want = [r for r, _ in exact.search(q, 10)]
        got = approx.search(q, 10)
        assert [r for r, _ in got] == want  # 40 vectors: the graph reaches all of them
        for row, score in got:
            assert abs(score - float(vectors[row] @ q)) < 1e-2  # float16 storage, float32 math


def test_float16_vectors_round_trip_exactly(index_dir: Path) -> None:
    vectors = open_snapshot(index_dir).vectors.vectors()
    once = VectorIndex(build_vectors(vectors, exact_max=10)).vectors()
    twice = VectorIndex(build_vectors(once, exact_max=10)).vectors()
    assert np.abs(once - vectors).max() < 1e-3
    # an incremental build reuses vectors read back from the index: they must not drift
    assert np.array_equal(once, twice)


def test_hnsw_snapshot_searches_and_filters(tmp_path: Path, corpus_docs: list[Document], encoder: Encoder) -> None:
    build_index(corpus_docs, tmp_path, encoder, exact_max=10)
    snapshot = open_snapshot(tmp_path)
    assert snapshot.manifest["vectors"]["kind"] == "hnsw-fp16"
    searcher = Searcher(snapshot, encoder)
    top = searcher.search("¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?", k=3).hits
    assert "30 de septiembre de 2002" in top[0].passage.text or "September 30, 2002" in top[0].passage.text
    # a filtered search goes through the HNSW selector path
    only_en = searcher.search("tarjetas de cruce", mode="dense", k=5, filters=SearchFilters(doc_lang="en"))
    assert len(only_en.hits) == 5
    assert {h.passage.lang for h in only_en.hits} == {"en"}
