"""Incremental builds: only what changed is encoded, and results equal a full rebuild."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import document_from_text
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC
from tests.helpers import health_doc, seeded_index

QUERIES = [
    ("tuberculosis screening for farm workers", None),
    ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", "en"),
    ("joint vaccination week", "es"),
    ("Hague Convention", None),
]


def _health() -> Document:
    meta = {"doc_id": "bnc-xx-2003-health-en", "lang": "en", "title": "Border Health", "date": "2003-05-01"}
    return document_from_text(health_doc(), meta, fallback_id="h", sha256="h1")


def _results(index_dir: Path, encoder: Encoder) -> list[list[tuple[str, float]]]:
    searcher = Searcher(open_snapshot(index_dir), encoder)
    out = []
    for q, lang in QUERIES:
        hits = searcher.search(q, k=10, filters=SearchFilters(doc_lang=lang)).hits
        out.append([(h.passage.passage_id, round(h.score, 6)) for h in hits])
    return out


def test_incremental_build_encodes_only_changes_and_matches_full(
    tmp_path: Path, index_dir: Path, corpus_docs: list[Document], encoder: Encoder
) -> None:
    inc = seeded_index(tmp_path / "inc", index_dir)
    first = build_index(corpus_docs, inc, encoder)
    assert first.encoded == 0 and first.changes.added == sorted(d.doc_id for d in corpus_docs)

    added = build_index([*corpus_docs, _health()], inc, encoder)
    assert added.changes.added == ["bnc-xx-2003-health-en"] and added.changes.unchanged == 2
    assert added.encoded == added.changes.passages_added == 2  # two paragraphs (the header block is metadata)
    assert added.reused == 38

    es = next(d for d in corpus_docs if d.doc_id == ES_DOC)
    edited = dataclasses.replace(es, body=es.body.replace("casi 6 millones", "casi seis millones"), sha256="edited")
    docs = [d for d in corpus_docs if d.doc_id != ES_DOC] + [edited, _health()]
    changed = build_index(docs, inc, encoder)
    assert changed.changes.changed == [ES_DOC] and changed.encoded == 1
    assert changed.changes.passages_added == changed.changes.passages_removed == 1
    snapshot = open_snapshot(inc)
    assert snapshot.manifest["counts"]["pairs"] == 19  # the edited pair was aligned again

    removed = build_index([d for d in docs if d.doc_id != "bnc-xx-2003-health-en"], inc, encoder)
    assert removed.changes.removed == ["bnc-xx-2003-health-en"] and removed.encoded == 0

    full = tmp_path / "full"
    rebuilt = build_index([d for d in docs if d.doc_id != "bnc-xx-2003-health-en"], full, encoder, full=True)
    assert rebuilt.full and rebuilt.encoded == rebuilt.passages == 38
    assert _results(inc, encoder) == _results(full, encoder)
    assert open_snapshot(full).manifest["counts"] == open_snapshot(inc).manifest["counts"]
    assert EN_DOC in open_snapshot(inc).documents


def test_add_only_build_extends_the_graph_and_equals_a_fresh_build(
    tmp_path: Path, index_dir: Path, corpus_docs: list[Document], encoder: Encoder
) -> None:
    inc = seeded_index(tmp_path / "inc", index_dir)
    build_index(corpus_docs, inc, encoder, exact_max=10)
    first = open_snapshot(inc)
    # sorts before the bundled communiqués: every previous row moves down two places
    early = dataclasses.replace(_health(), doc_id="bnc-aa-2003-health-en")
    docs = [*corpus_docs, early]
    added = build_index(docs, inc, encoder, exact_max=10)
    assert added.encoded == 2
    grown = open_snapshot(inc)
    assert grown.manifest["vectors"]["kind"] == "hnsw-fp16"
    assert (grown.path / "vector_order.npy").is_file()  # the previous graph was extended, not rebuilt
    assert grown.rows[first.passages.passage_ids[0]] == 2

    fresh = tmp_path / "fresh"
    (fresh / "cache").mkdir(parents=True)
    shutil.copy(inc / "cache" / "embeddings.sqlite", fresh / "cache" / "embeddings.sqlite")
    assert build_index(docs, fresh, encoder, exact_max=10).encoded == 0
    rebuilt = open_snapshot(fresh)
    assert not (rebuilt.path / "vector_order.npy").exists()
    assert np.array_equal(grown.vectors.vectors(), rebuilt.vectors.vectors())
    assert grown.sentences is not None and rebuilt.sentences is not None
    assert np.array_equal(grown.sentences.spans, rebuilt.sentences.spans)  # reused rows renumbered
    assert np.array_equal(grown.sentences.vectors, rebuilt.sentences.vectors)
    assert _results(inc, encoder) == _results(fresh, encoder)  # filtered queries use faiss ids through the order
    q = encoder.encode_queries(["tuberculosis screening"])[0]
    rows = grown.doc_rows[early.doc_id]
    assert grown.vectors.score_rows(q, rows) == rebuilt.vectors.score_rows(q, rows)

    # a removal rebuilds the graph: row order and faiss order are one again
    build_index(corpus_docs, inc, encoder, exact_max=10)
    assert not (open_snapshot(inc).path / "vector_order.npy").exists()
    assert np.array_equal(open_snapshot(inc).vectors.vectors(), first.vectors.vectors())
