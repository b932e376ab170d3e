"""What the product relies on from Milvus, checked on the embedded engine (milvus-lite) with the product's schema.

BM25 with the English and Spanish chains of indexer.index.analysis (lowercase, ASCII folding, explicit stop
lists, Snowball stemmers), scores on the local index's scale, top-N with scores, scalar filters (language,
date range, document ids, rows), upsert and delete. milvus-lite 3.x ignores stemmers, folding and
per-field analyzers, so these tests fail there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("pymilvus", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")
pytest.importorskip("milvus_lite", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")

from indexer.index.analysis import analyze
from indexer.index.lexical import LexicalIndex, build_lexical
from indexer.index.milvus_open import client as milvus_client
from indexer.index.milvus_open import close
from indexer.index.milvus_schema import DENSE, FIELDS, create_collection, sparse, stopwords
from indexer.index.milvus_search import MilvusLexical, MilvusVectors, hit_row
from indexer.types import Passage

NAME = "contract"
WRITES = "contract_writes"  # the collection tests that write use, so the shared one stays as filled
DIM = 4
# (doc_id, lang, date, text)
ROWS = [
    ("d-en-1", "en", "2002-11-26", "The communities were running binational programs for consular protection."),
    ("d-es-1", "es", "2002-11-26", "Las comunidades fronterizas y la migración de niños."),
    ("d-en-2", "en", "2004-03-10", "Water treaty deliveries on the Rio Grande border."),
    ("d-es-2", "es", "2004-03-10", "Entregas de agua del tratado en la frontera del río Bravo."),
    ("d-en-3", "en", "2006-05-01", "Nacional meetings of the commission, and the commission's agreements."),
    ("d-es-3", "es", "2006-05-01", "Las reuniones nacionales de la Comisión y sus acuerdos."),
]


def _vector(row: int) -> list[float]:
    v = np.zeros(DIM, dtype=np.float32)
    v[row % DIM] = 1.0
    v[(row + 1) % DIM] = 0.5 * (row // DIM)
    return (v / np.linalg.norm(v)).tolist()


def _row(pk: int, doc_id: str, lang: str, date: str, text: str) -> dict[str, Any]:
    out: dict[str, Any] = {"pk": pk, "pid": f"{doc_id}:p", "doc_id": doc_id, "lang": lang, "date": date}
    for lg in FIELDS["text"]:
        out[FIELDS["text"][lg]] = text
        out[FIELDS["mt"][lg]] = ""
    out[DENSE] = _vector(pk)
    out["mt_dense"] = [0.0] * DIM
    return out


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One embedded engine for the module, stopped afterwards."""
    uri = str(tmp_path_factory.mktemp("milvus") / "contract.db")
    try:
        yield milvus_client(uri)
    finally:
        close(uri)


def _fill(engine: Any, name: str) -> Any:
    if engine.has_collection(name):
        engine.drop_collection(name)
    create_collection(engine, name, DIM)
    engine.insert(name, [_row(i, *r) for i, r in enumerate(ROWS)])
    engine.flush(name)
    engine.load_collection(name)
    return engine


@pytest.fixture(scope="module")
def milvus(engine: Any) -> Iterator[Any]:
    """A collection in the product's schema holding ROWS, for the tests that only read."""
    yield _fill(engine, NAME)
    engine.drop_collection(NAME)


@pytest.fixture
def writable(engine: Any) -> Any:
    """A fresh collection holding ROWS, for a test that writes."""
    return _fill(engine, WRITES)


def _bm25(c: Any, field: str, text: str, limit: int = 10, expr: str = "", name: str = NAME) -> list[tuple[int, float]]:
    hits = c.search(name, data=[text], anns_field=sparse(field), limit=limit, filter=expr, search_params={})
    return [(hit_row(h), float(h["distance"])) for h in hits[0]]


def test_english_chain_stems_and_drops_stopwords(milvus: Any) -> None:
    rows = _bm25(milvus, "text_en", "community RUNS program")
    assert rows and rows[0][0] == 0  # communities/running/programs stemmed like the query
    assert _bm25(milvus, "text_en", "the of and") == []  # English stop list


def test_spanish_chain_folds_accents_stems_and_drops_stopwords(milvus: Any) -> None:
    assert [r for r, _ in _bm25(milvus, "text_es", "migracion nino")][:1] == [1]  # folded, stemmed
    assert [r for r, _ in _bm25(milvus, "text_es", "MIGRACIÓN niños")][:1] == [1]
    assert 5 in [r for r, _ in _bm25(milvus, "text_es", "nacional")]  # nacionales -> nacional (Spanish stemmer)
    assert _bm25(milvus, "text_es", "de las del la y sus") == []  # the explicit Spanish stop list


def test_the_two_fields_analyze_each_language_its_own_way(milvus: Any) -> None:
    # "nacionales" is stemmed to "nacional" by the Spanish chain only
    assert 5 not in [r for r, _ in _bm25(milvus, "text_en", "nacional")]
    # "las" is on the Spanish stop list only
    assert 5 in [r for r, _ in _bm25(milvus, "text_en", "las")]


def test_stop_lists_are_the_local_analyzers(milvus: Any) -> None:
    for lang in ("en", "es"):
        words = stopwords()[lang]
        assert len(words) == {"en": 33, "es": 308}[lang]
        assert all(analyze(w, lang) == [] for w in words)


def _local(rows: list[tuple[str, str, str, str]], folder: Path) -> LexicalIndex:
    """The product's own BM25 index over `rows`."""
    passages = [Passage(f"{d}:p", d, lang, "", 1, 0, len(text), text) for d, lang, _date, text in rows]
    build_lexical(passages, folder)
    return LexicalIndex(folder, {p.passage_id: i for i, p in enumerate(passages)})


def _same_bm25(local: LexicalIndex, remote: MilvusLexical, queries: list[tuple[str, str]]) -> None:
    """Same rows in the same order, scores within 3% (tantivy quantizes field lengths)."""
    for text, lang in queries:
        want = local.run(local.query(text, (lang,)), 5)
        got = remote.run(remote.query(text, (lang,)), 5)
        assert [r for r, _ in got] == [r for r, _ in want], text
        for (_, a), (_, b) in zip(got, want, strict=True):
            assert a == pytest.approx(b, rel=0.03), text


QUERIES = [("commission agreements", "en"), ("comisión acuerdos reuniones", "es"), ("agua frontera border", "es")]


def test_bm25_scores_match_the_local_index(milvus: Any, tmp_path: Path) -> None:
    """Same chain, same BM25 (k1 1.2, b 0.75), statistics over the whole collection."""
    _same_bm25(_local(ROWS, tmp_path / "lexical"), MilvusLexical(milvus, NAME), QUERIES)


def test_top_n_with_scores(milvus: Any) -> None:
    rows = _bm25(milvus, "text_en", "commission water border treaty communities", limit=2)
    assert len(rows) == 2
    assert rows[0][1] >= rows[1][1] > 0


def test_scalar_filters(milvus: Any) -> None:
    query = "commission comision frontera border agua water comunidades communities"
    assert {r for r, _ in _bm25(milvus, "text_en", query, expr='lang == "es"')} <= {1, 3, 5}
    dated = _bm25(milvus, "text_en", query, expr='date >= "2004-01-01" and date <= "2005-12-31"')
    assert {r for r, _ in dated} == {2, 3}
    only = _bm25(milvus, "text_en", query, expr='doc_id in ["d-en-3", "d-es-1"]')
    assert {r for r, _ in only} == {1, 4}
    vectors = MilvusVectors(milvus, NAME, len(ROWS))
    top = vectors.search(np.asarray(_vector(2)), 3, rows=[1, 2, 3])
    assert top[0] == (2, pytest.approx(1.0, abs=1e-5)) and {r for r, _ in top} <= {1, 2, 3}


def test_dense_inner_product_and_exact_scores(milvus: Any) -> None:
    vectors = MilvusVectors(milvus, NAME, len(ROWS))
    q = np.asarray(_vector(4), dtype=np.float32)
    found = vectors.search(q, len(ROWS))
    want = sorted(((i, float(np.dot(_vector(i), q))) for i in range(len(ROWS))), key=lambda kv: -kv[1])
    assert [r for r, _ in found][:2] == [r for r, _ in want][:2]
    for row, score in vectors.score_rows(q, [0, 3, 5]).items():
        assert score == pytest.approx(float(np.dot(_vector(row), q)), abs=1e-5)


def test_upsert_replaces_and_keeps_the_passage_on_top(writable: Any, tmp_path: Path) -> None:
    milvus, name = writable, WRITES
    milvus.upsert(name, [_row(2, "d-en-2", "en", "2004-03-10", "Groundwater aquifers shared along the border.")])
    milvus.flush(name)
    assert _bm25(milvus, "text_en", "aquifer groundwater", name=name)[0][0] == 2
    assert 2 not in [r for r, _ in _bm25(milvus, "text_en", "treaty deliveries", name=name)]
    assert milvus.query(name, filter="pk == 2", output_fields=["text_en"])[0]["text_en"].startswith("Groundwater")
    # statistics stay collection-wide after an upsert: scores are the local index's over the new rows
    rows = list(ROWS)
    rows[2] = ("d-en-2", "en", "2004-03-10", "Groundwater aquifers shared along the border.")
    _same_bm25(_local(rows, tmp_path / "lexical"), MilvusLexical(milvus, name), [*QUERIES, ("aquifer border", "en")])


def test_delete_removes_from_every_retriever(writable: Any) -> None:
    milvus, name = writable, WRITES
    milvus.delete(name, ids=[0])
    milvus.flush(name)
    assert 0 not in [r for r, _ in _bm25(milvus, "text_en", "community programs consular", name=name)]
    vectors = MilvusVectors(milvus, name, len(ROWS))
    assert 0 not in [r for r, _ in vectors.search(np.asarray(_vector(0)), len(ROWS))]


def test_bm25_statistics_count_rows_a_filter_leaves_out(writable: Any) -> None:
    """Why every version gets its own collection: rows of another version, filtered out of a search, still
    move its BM25 scores (document frequencies and average length are the collection's), so versions
    sharing one collection would not score as their own snapshot does."""
    milvus, name = writable, WRITES
    own = 'doc_id in ["d-en-1", "d-en-2", "d-en-3"]'
    before = _bm25(milvus, "text_en", "commission agreements border", expr=own, name=name)
    other = ("d-en-9", "en", "2008-01-01", "Commission agreements on the border, the commission's border agreements.")
    milvus.insert(name, [_row(len(ROWS), *other)])
    milvus.flush(name)
    after = _bm25(milvus, "text_en", "commission agreements border", expr=own, name=name)
    assert [r for r, _ in after] == [r for r, _ in before]  # the filter keeps the new row out
    assert all(a < b * 0.95 for (_, a), (_, b) in zip(after, before, strict=True))  # but not its statistics
