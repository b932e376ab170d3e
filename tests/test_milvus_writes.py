"""The write promises on the Milvus backend (embedded milvus-lite, no mocks): the local write tests run again
with BM25 and vectors served from Milvus, and after each one the served snapshot is Milvus-backed and Milvus
holds exactly the collections of the snapshots retention keeps."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

pytest.importorskip("pymilvus", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")
pytest.importorskip("milvus_lite", reason="the [milvus] extra is not installed (pip install -e '.[milvus]')")

from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.index.milvus_open import client as milvus_client
from indexer.index.milvus_open import close
from indexer.index.milvus_publish import PREFIX
from indexer.index.milvus_schema import collection_name
from indexer.index.milvus_search import MilvusLexical, MilvusVectors
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher
from service.app import create_app
from service.config import Settings
from tests import test_admin, test_write_safety
from tests.helpers import corpus_copy, health_doc, seeded_index
from tests.test_admin import (  # noqa: F401 - the local tests, collected again here with this module's `admin`
    test_add_replace_delete_json_document,
    test_import_several_files_in_one_request_builds_once_and_reports_each,
    test_multipart_html_upload_in_background,
    test_reindex_route,
)
from tests.test_write_model import run_model
from tests.test_write_safety import (  # noqa: F401
    test_front_matter_doc_id_wins_over_the_file_name_and_a_form_field_over_both,
    test_parallel_deletes_are_serialized_and_each_reply_is_truthful,
    test_title_colliding_with_the_spanish_twin_is_409_and_nothing_changes,
    test_translation_of_a_missing_document_warns_and_links_when_it_arrives,
)

pytestmark = pytest.mark.slow  # an embedded Milvus server, and a collection written by every build

KEYS = (test_admin.KEY["X-API-Key"], test_write_safety.KEY["X-API-Key"])


@pytest.fixture(scope="module")
def milvus_archive(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[Settings]:
    """A corpus copy and its index published to an embedded Milvus in the test's folder; the server stopped after."""
    tmp = tmp_path_factory.mktemp("milvus-writes")
    corpus = corpus_copy(tmp)
    index = seeded_index(tmp, index_dir)
    uri = str(tmp / "milvus.db")
    try:
        build_index(load_corpus(corpus).documents, index, encoder, milvus_uri=uri)
        yield Settings(
            index=index,
            corpus=corpus,
            api_keys=", ".join(KEYS),
            backend="milvus",
            milvus_uri=uri,
            reload_interval_s=0.1,
        )
    finally:
        close(uri)


@pytest.fixture(scope="module")
def admin(milvus_archive: Settings, encoder: Encoder) -> Iterator[TestClient]:
    with TestClient(create_app(milvus_archive, encoder=encoder), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(autouse=True)
def served_from_milvus(admin: TestClient, milvus_archive: Settings) -> Iterator[None]:
    """After each test: the served snapshot searches Milvus, and Milvus holds the kept snapshots' collections only."""
    yield
    admin.app.state.builds.wait_idle(300)  # type: ignore[attr-defined]
    snapshot = admin.app.state.engine.searcher().snapshot  # type: ignore[attr-defined]
    assert isinstance(snapshot.lexical, MilvusLexical) and isinstance(snapshot.vectors, MilvusVectors)
    index = Path(milvus_archive.index)
    assert snapshot.version == snap.current_version(index)
    kept = {collection_name(v) for v in retention.complete_snapshots(index)}
    held = {n for n in milvus_client(milvus_archive.milvus_uri).list_collections() if n.startswith(PREFIX)}
    assert collection_name(snapshot.version) in held and held == kept


def _staged(db: Path, served: str, proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The collection a build is writing, once created: milvus-lite 2.5.1 keeps each collection as a table
    in its SQLite file (rows land there at the write's flush), read here read-only while the engine runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)) as con:
                names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for name in names:
                    if name.startswith(PREFIX) and name != served:
                        return name
        except sqlite3.OperationalError:  # the engine holds a write lock for a moment
            pass
        time.sleep(0.01)
    pytest.fail("the build never created its collection")


def test_a_kill_during_a_milvus_publish_leaves_the_previous_collection_serving(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    """`bnc index --backend milvus` killed (SIGKILL) while it writes its collection: CURRENT, the served
    collection and search stay as they were, the embedded engine stops with its owner, and the next
    build publishes and drops what the killed one left in Milvus."""
    corpus = corpus_copy(tmp_path)
    index = seeded_index(tmp_path, index_dir)
    uri = str(tmp_path / "milvus.db")
    build_index(load_corpus(corpus).documents, index, encoder, milvus_uri=uri)
    before = snap.current_version(index)
    assert before is not None
    close(uri)  # the file's lock goes to the building process
    (corpus / "en" / "kill-note.md").write_text("---\nlang: en\n---\n" + health_doc("orchard inspectors"))
    env = {**os.environ, "BNC_INDEX": str(index), "BNC_CORPUS": str(corpus), "BNC_BACKEND": "milvus"}
    cmd = [sys.executable, "-m", "service.cli", "index", "--quiet", "--milvus-uri", uri]
    proc = subprocess.Popen(cmd, env={**env, "BNC_MILVUS_URI": uri}, stdout=subprocess.DEVNULL)
    try:
        staged = _staged(Path(uri), collection_name(before), proc, timeout=240)
        engines = psutil.Process(proc.pid).children(recursive=True)
        proc.kill()  # while it fills (inserts, flushes, loads) its new collection
        proc.wait(timeout=20)
        assert snap.current_version(index) == before  # killed before the switch
        psutil.wait_procs(engines, timeout=30)  # the engine stops when its owner's lock on the file goes
        assert not [e for e in engines if e.is_running()]
    finally:
        if proc.poll() is None:
            proc.kill()
    try:
        searcher = Searcher(open_snapshot(index, milvus_uri=uri), encoder)
        assert searcher.version == before and isinstance(searcher.snapshot.vectors, MilvusVectors)
        assert searcher.search("consular protection", k=3).hits
        assert staged in milvus_client(uri).list_collections()  # what the killed build left, not served
        report = build_index(load_corpus(corpus).documents, index, encoder, milvus_uri=uri)
        kept = {collection_name(v) for v in retention.complete_snapshots(index)}
        assert {n for n in milvus_client(uri).list_collections() if n.startswith(PREFIX)} == kept
        searcher = Searcher(open_snapshot(index, milvus_uri=uri), encoder)
        assert searcher.version == report.version != before
        assert searcher.search("orchard inspectors", k=1, mode="bm25").hits[0].passage.doc_id == "kill-note"
    finally:
        close(uri)


def test_random_writes_kills_and_restarts_on_milvus(index_dir: Path, encoder: Encoder) -> None:
    """The stateful write model (tests/test_write_model.py) against a live server on the Milvus backend:
    fewer examples than on the local one (`BNC_STATEFUL_EXAMPLES_MILVUS`), as every build writes a collection."""
    run_model(index_dir, encoder, milvus=True, examples=int(os.environ.get("BNC_STATEFUL_EXAMPLES_MILVUS", "3")))
