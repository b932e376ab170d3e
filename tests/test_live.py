"""The real server under query load while documents change, and a build killed midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from indexer.encoders import Encoder
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.ingest.corpus import load_corpus
from tests.helpers import LiveServer, corpus_copy, health_doc, seeded_index

pytestmark = pytest.mark.slow  # live server under load

KEY = {"X-API-Key": "live-key"}
QUERIES = ["tuberculosis screening", "Border Crossing Card", "vacunación", "Hague Convention", "LIFE Act"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    corpus = corpus_copy(tmp)
    index = seeded_index(tmp, index_dir)
    build_index(load_corpus(corpus).documents, index, encoder)
    # keep every version so responses can be checked against the one they name
    live = LiveServer(index, corpus, {"BNC_API_KEYS": KEY["X-API-Key"], "BNC_KEEP_SNAPSHOTS": "1000"})
    live.start()
    yield live
    live.stop()


def _passages_of(index: Path, version: str) -> set[str]:
    rows = snap.passage_rows(snap.snapshots_dir(index) / version)
    return {r["passage_id"] for r in rows}


def _doc(text: str, title: str) -> dict[str, str]:
    return {"title": title, "lang": "en", "date": "2003-05-01", "text": text}


def test_queries_never_fail_while_documents_change(server: LiveServer) -> None:
    stop = threading.Event()
    records: list[tuple[int, str | None, list[str]]] = []
    failures: list[str] = []

    def client(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            i = n
            while not stop.is_set():
                try:
                    res = http.get("/api/search", params={"q": QUERIES[i % len(QUERIES)], "k": 5})
                    body = res.json()
                    records.append(
                        (res.status_code, body.get("index_version"), [h["passage_id"] for h in body["hits"]])
                    )
                except Exception as exc:  # any exception is a failed request
                    failures.append(repr(exc))
                i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    started = time.monotonic()
    for t in threads:
        t.start()
    published: list[tuple[str, str]] = []
    with httpx.Client(base_url=server.url, timeout=300, headers=KEY) as admin:

        def act(method: str, path: str, **kw: object) -> str:
            res = admin.request(method, f"{path}?wait=true", **kw)  # type: ignore[arg-type]
            assert res.status_code in (200, 201), res.text
            version = str(res.json()["index_version"])
            published.append((path, version))
            return version

        def top_doc(q: str) -> list[str]:
            body = admin.get("/api/search", params={"q": q, "k": 3, "mode": "bm25"}).json()
            return [h["doc_id"] for h in body["hits"]]

        act("POST", "/api/documents", json={**_doc(health_doc(), "Border Health"), "doc_id": "live-health"})
        assert top_doc("tuberculosis screening")[0] == "live-health"
        act("PUT", "/api/documents/live-health", json=_doc(health_doc("seasonal crews"), "Border Health"))
        time.sleep(3)
        act(
            "POST",
            "/api/documents",
            json={
                **_doc("Water: The delegations reviewed the 1944 Water Treaty deliveries.", "Water"),
                "doc_id": "live-water",
            },
        )
        assert top_doc("1944 Water Treaty deliveries")[0] == "live-water"
        time.sleep(3)
        act("DELETE", "/api/documents/live-health")
        assert "live-health" not in top_doc("tuberculosis screening")
        while time.monotonic() - started < 22:
            time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert len(records) > 50 and all(status == 200 for status, _, _ in records)
    versions = {v for _, v, _ in records}
    assert None not in versions and len(versions) >= 3  # the load saw the swaps happen
    known = {v: _passages_of(server.index, v) for v in versions if v}
    for _, version, ids in records:
        assert set(ids) <= known[str(version)]  # every hit comes from the version the response names


def test_killed_build_leaves_the_server_on_the_last_good_snapshot(server: LiveServer) -> None:
    before = snap.current_version(server.index)
    for i in range(6):  # enough new text that encoding takes a few seconds
        body = "\n\n".join(  # long paragraphs: seconds of encoding on the faster runtime too
            " ".join(
                f"Paragraph {j} of note {i}, point {k}: the delegations discussed item {i}-{j}-{k} at length."
                for k in range(6)
            )
            for j in range(8)
        )
        (server.corpus / "en" / f"note-{i}.md").write_text(
            f"---\nlang: en\ntitle: Note {i}\n---\n{body}\n", encoding="utf-8"
        )
    env = {**os.environ, "BNC_INDEX": str(server.index), "BNC_CORPUS": str(server.corpus)}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "index", "--quiet"], env=env)
    deadline = time.monotonic() + 60
    while not list(snap.snapshots_dir(server.index).glob(".tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert list(snap.snapshots_dir(server.index).glob(".tmp-*")), "the kill should leave a half-built snapshot"
    assert snap.current_version(server.index) == before
    res = httpx.get(f"{server.url}/api/search", params={"q": "Border Crossing Card"}, timeout=30)
    assert res.status_code == 200 and res.json()["index_version"] == before

    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", "--quiet", "--json"], env=env, capture_output=True, check=True
    )
    report = json.loads(done.stdout)
    assert len(report["changes"]["added"]) == 6 and any(r.startswith(".tmp-") for r in report["removed"])
    assert not list(snap.snapshots_dir(server.index).glob(".tmp-*"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if httpx.get(f"{server.url}/readyz", timeout=5).json()["index_version"] == report["version"]:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the server did not pick up the new snapshot")
