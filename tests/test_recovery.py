"""Crashes and broken index files: acknowledged writes survive kill -9, builds resume and cancel, CURRENT repairs."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.build import BuildCancelled, build_index
from indexer.index.embcache import EmbeddingCache
from indexer.ingest.corpus import load_corpus
from service.app import create_app
from service.config import Settings
from tests.helpers import LiveServer, corpus_copy, seeded_index

KEY = {"X-API-Key": "recovery-key"}


def cached_vectors(index: Path) -> int:
    cache = EmbeddingCache(index / "cache" / "embeddings.sqlite")
    try:
        return cache.count()
    finally:
        cache.close()


def long_note(tag: str, paragraphs: int = 30) -> str:
    """Enough distinct paragraphs that encoding them takes several seconds."""
    return "\n\n".join(
        f"Item {tag}-{j}: the delegations reviewed point {j} of the {tag} agenda, border station {j * 7}, at length."
        for j in range(paragraphs)
    )


def _env(index: Path, corpus: Path) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "BNC_INDEX": str(index), "BNC_CORPUS": str(corpus), "PATH": path}


def _fresh(tmp: Path, index_dir: Path, encoder: Encoder) -> tuple[Path, Path]:
    corpus = corpus_copy(tmp)
    index = seeded_index(tmp, index_dir)
    build_index(load_corpus(corpus).documents, index, encoder)
    return corpus, index


@pytest.mark.slow
def test_an_acknowledged_upload_survives_kill_9_mid_build(tmp_path: Path, index_dir: Path, encoder: Encoder) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    server = LiveServer(index, corpus, {"BNC_API_KEYS": KEY["X-API-Key"]})
    server.start()
    try:
        base = cached_vectors(index)
        body = {"title": "Long note", "lang": "en", "doc_id": "long-note", "text": long_note("kill", 50)}
        res = httpx.post(f"{server.url}/api/documents", json=body, headers=KEY, timeout=30)
        assert res.status_code == 202
        job = res.json()["job"]
        deadline = time.monotonic() + 120
        while cached_vectors(index) == base and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # during the build the upload started, after its first committed batch
        assert list(snap.snapshots_dir(index).glob(".tmp-*"))
        assert (corpus / "en" / "long-note.md").is_file()  # acknowledged means on disk
        served_before = snap.current_version(index)

        server.start()  # nobody writes again: the restarted service notices the corpus is ahead
        with httpx.Client(base_url=server.url, headers=KEY, timeout=30) as http:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                status = http.get("/api/index").json()
                if status["version"] != served_before and not status["builds"]["running"]:
                    break
                time.sleep(0.5)
            hits = http.get("/api/search", params={"q": "kill agenda border station", "mode": "bm25"}).json()["hits"]
            assert hits and hits[0]["doc_id"] == "long-note"
            again = http.post("/api/reindex", headers=KEY).json()["job"]
            assert again > job  # job numbers keep rising across restarts
            assert status["builds"]["last_report"]["encoded"] <= 50 - 32  # the killed build's batch was kept
    finally:
        server.stop()


def test_embeddings_are_committed_in_batches_so_a_stopped_build_resumes(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    (corpus / "en" / "batch-note.md").write_text(f"---\nlang: en\n---\n{long_note('batch', 80)}\n")
    docs = load_corpus(corpus).documents
    before = snap.current_version(index)
    base = cached_vectors(index)

    def after_the_first_commit() -> bool:
        return cached_vectors(index) > base

    with pytest.raises(BuildCancelled):
        build_index(docs, index, encoder, cancelled=after_the_first_commit)
    assert snap.current_version(index) == before
    assert not list(snap.snapshots_dir(index).glob(".tmp-*"))
    committed = cached_vectors(index) - base
    assert 0 < committed < 80
    report = build_index(docs, index, encoder)
    assert report.encoded == 80 - committed  # the rerun resumes where the stop left off


@pytest.mark.slow
def test_a_running_build_can_be_cancelled_without_debris(tmp_path: Path, index_dir: Path, encoder: Encoder) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    settings = Settings(index=index, corpus=corpus, api_keys=KEY["X-API-Key"], reload_interval_s=0.1)
    with TestClient(create_app(settings, encoder=encoder)) as client:
        builds = client.app.state.builds  # type: ignore[attr-defined]
        assert builds.wait_idle(120)  # the start-up reconcile check has finished
        assert client.delete("/api/index/build", headers=KEY).status_code == 409  # nothing runs
        before = client.get("/readyz").json()["index_version"]
        body = {"title": "Cancel me", "lang": "en", "doc_id": "cancel-me", "text": long_note("cancel", 60)}
        res = client.post("/api/documents", json=body, headers=KEY)
        job = res.json()["job"]
        deadline = time.monotonic() + 30
        while not client.get("/api/index", headers=KEY).json()["builds"]["running"] and time.monotonic() < deadline:
            time.sleep(0.05)
        res = client.delete("/api/index/build", headers=KEY)
        assert res.status_code == 202 and res.json()["cancelling"] is True
        assert builds.wait(job, 120)
        assert builds.result(job).outcome == "cancelled"
        status = client.get("/api/index", headers=KEY).json()
        assert status["version"] == before and status["builds"]["last_outcome"] == "cancelled"
        assert not list(snap.snapshots_dir(index).glob(".tmp-*"))
        assert (corpus / "en" / "cancel-me.md").is_file()  # the write stays; the next build publishes it


@pytest.mark.parametrize("garbage", [os.urandom(64), b"", b"   \n", b"no-such-version\n"])
def test_garbage_current_serves_the_newest_good_snapshot_and_says_so_once(
    tmp_path: Path, index_dir: Path, encoder: Encoder, garbage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    good = snap.current_version(index)
    (index / snap.CURRENT).write_bytes(garbage)
    settings = Settings(index=index, corpus=corpus, reload_interval_s=3600, reconcile_on_start=False)
    app = create_app(settings, encoder=encoder)
    with caplog.at_level(logging.ERROR, logger="bnc.engine"), TestClient(app) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["index_version"] == good
        assert "newest snapshot that verifies" in ready.json()["degraded"]
        for _ in range(5):
            app.state.engine.reload()  # the watcher's tick: says it once, never a traceback a second
        said = [r for r in caplog.records if "newest snapshot that verifies" in r.getMessage()]
        assert len(said) == 1 and not any(r.exc_info for r in caplog.records)

        report = build_index(load_corpus(corpus).documents, index, encoder)  # what `bnc index` runs
        assert snap.current_version(index) == report.version != good
        app.state.engine.reload()
        ready = client.get("/readyz").json()
        assert ready["index_version"] == report.version and ready["degraded"] is None


@pytest.mark.slow
def test_bnc_index_and_index_full_repair_a_garbage_current(tmp_path: Path, index_dir: Path, encoder: Encoder) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    good = snap.current_version(index)
    for args in (["index", "--quiet"], ["index", "--quiet", "--full"]):
        (index / snap.CURRENT).write_bytes(os.urandom(64))
        done = subprocess.run(
            [sys.executable, "-m", "service.cli", *args], env=_env(index, corpus), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        repaired = snap.current_version(index)
        assert repaired is not None and repaired != good
        snap.read_manifest(snap.snapshots_dir(index) / repaired)  # verifies


def test_retention_keeps_the_served_snapshot_not_a_never_published_newer_one(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = _fresh(tmp_path, index_dir, encoder)
    served = str(snap.current_version(index))
    # a build killed between moving its snapshot into place and swapping CURRENT leaves this:
    orphan = "29991231T235959000000Z-0rphan"
    shutil.copytree(snap.snapshots_dir(index) / served, snap.snapshots_dir(index) / orphan)
    manifest = json.loads((snap.snapshots_dir(index) / orphan / snap.MANIFEST).read_text())
    manifest["version"] = orphan
    (snap.snapshots_dir(index) / orphan / snap.MANIFEST).write_text(json.dumps(manifest))
    (corpus / "en" / "extra.md").write_text("---\nlang: en\n---\nThe delegations met once more.\n")

    report = build_index(load_corpus(corpus).documents, index, encoder, keep=2)
    assert report.previous == served
    left = set(retention.complete_snapshots(index))
    assert left == {report.version, served}  # the one actually served before is the one kept
    assert orphan in report.removed
