"""Stateful property test: random adds, replaces, deletes, reindexes, kills and restarts against a real server.

A dict of doc_id -> marker word is the model of what the corpus must hold. After every step:
each acknowledged write is in the corpus, nothing else changed, CURRENT names a snapshot that
verifies, search answers, and once the builds settle the index holds exactly the model.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from indexer.encoders import Encoder
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.ingest.corpus import load_corpus
from tests.conftest import EN_DOC, ES_DOC
from tests.helpers import LiveServer, corpus_copy, seeded_index

KEY = {"X-API-Key": "model-key"}
IDS = st.sampled_from([f"w-{c}" for c in "abcdef"])
MARKERS = st.sampled_from(["aquifer", "cattle", "railway", "pipeline", "orchard", "harbor", "glacier", "quarry"])
STEPS = int(os.environ.get("BNC_STATEFUL_STEPS", "25"))
EXAMPLES = int(os.environ.get("BNC_STATEFUL_EXAMPLES", "10"))
SETTLE_S = 180.0


def _text(doc_id: str, marker: str) -> str:
    # a small vocabulary keeps texts repeating, so the embedding cache answers most encodes
    return f"Note {doc_id}: the delegations agreed on {marker} cooperation along the border."


class WritePath(RuleBasedStateMachine):
    base_index: ClassVar[Path]
    encoder: ClassVar[Encoder]
    stats: ClassVar[dict[str, int]] = {}
    milvus: ClassVar[bool] = False  # BM25 and vectors in an embedded Milvus that the server's process runs

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="bnc-model-"))
        self.corpus = corpus_copy(self.tmp)
        self.index = seeded_index(self.tmp, self.base_index)
        env = {"BNC_API_KEYS": KEY["X-API-Key"]}
        uri = str(self.tmp / "milvus.db") if self.milvus else None
        build_index(load_corpus(self.corpus).documents, self.index, self.encoder, milvus_uri=uri)
        if uri is not None:
            from indexer.index.milvus_open import close

            close(uri)  # the embedded engine's file belongs to the server's process
            env.update({"BNC_BACKEND": "milvus", "BNC_MILVUS_URI": uri})
        self.bundled = {p: p.read_bytes() for p in self.corpus.rglob("*.md")}
        self.log = self.tmp / "server.log"
        self.server = LiveServer(self.index, self.corpus, env, log=self.log)
        self.steps: list[str] = []
        self.server.start()
        self.http = httpx.Client(base_url=self.server.url, headers=KEY, timeout=120)
        self.model: dict[str, str] = {}

    def teardown(self) -> None:
        self.http.close()
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _count(self, what: str, **args: object) -> None:
        self.stats[what] = self.stats.get(what, 0) + 1
        self.steps.append(f"{what}({', '.join(f'{k}={v!r}' for k, v in args.items())})")

    def _story(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        tail = [line for line in lines if '"bnc.access"' not in line][-60:]
        tail.append(f"CURRENT={snap.read_current(self.index)} snapshots={retention.complete_snapshots(self.index)}")
        return "steps: " + "; ".join(self.steps) + "\nserver log:\n" + "\n".join(tail)

    def _reconnect(self) -> None:
        self.http.close()
        self.http = httpx.Client(base_url=self.server.url, headers=KEY, timeout=120)

    # writes ------------------------------------------------------------------------------------

    def _add(self, doc_id: str, marker: str, wait: bool) -> httpx.Response:
        body = {"title": f"Note {doc_id}", "lang": "en", "doc_id": doc_id, "text": _text(doc_id, marker)}
        return self.http.post("/api/documents", params={"wait": wait}, json=body)

    @rule(doc_id=IDS, marker=MARKERS, wait=st.booleans())
    def add(self, doc_id: str, marker: str, wait: bool) -> None:
        self._count("add", doc_id=doc_id, marker=marker, wait=wait)
        res = self._add(doc_id, marker, wait)
        if doc_id in self.model:
            assert res.status_code == 409, res.text
        else:
            assert res.status_code in ((201,) if wait else (202,)), res.text
            self.model[doc_id] = marker

    @rule(doc_id=IDS)
    def add_with_a_title_that_collides(self, doc_id: str) -> None:
        self._count("add_title", doc_id=doc_id)
        target = doc_id if doc_id in self.model else EN_DOC
        body = {"title": target.replace("-", " "), "lang": "es", "text": _text(target, "collision")}
        res = self.http.post("/api/documents", json=body)
        assert res.status_code == 409, res.text

    @rule(doc_id=IDS, marker=MARKERS, wait=st.booleans())
    def replace(self, doc_id: str, marker: str, wait: bool) -> None:
        self._count("put", doc_id=doc_id, marker=marker, wait=wait)
        body = {"title": f"Note {doc_id}", "lang": "en", "text": _text(doc_id, marker)}
        res = self.http.put(f"/api/documents/{doc_id}", params={"wait": wait}, json=body)
        if doc_id in self.model:
            assert res.status_code in ((200,) if wait else (202,)), res.text
            self.model[doc_id] = marker
        else:
            assert res.status_code == 404, res.text

    @rule(doc_id=IDS, wait=st.booleans())
    def delete(self, doc_id: str, wait: bool) -> None:
        self._count("delete", doc_id=doc_id, wait=wait)
        res = self.http.delete(f"/api/documents/{doc_id}", params={"wait": wait})
        self.steps.append(f"  -> {res.status_code} {res.text[:400]}")
        if doc_id in self.model:
            assert res.status_code in ((200,) if wait else (202,)), res.text
            del self.model[doc_id]
        else:
            assert res.status_code == 404, res.text

    @rule(ids=st.lists(IDS, min_size=2, max_size=4, unique=True), marker=MARKERS)
    def concurrent_writes(self, ids: list[str], marker: str) -> None:
        """Several writers at once: adds of new ids, deletes of existing ones."""
        self._count("concurrent", ids=ids, marker=marker)
        results: dict[str, int] = {}

        def one(doc_id: str) -> None:
            with httpx.Client(base_url=self.server.url, headers=KEY, timeout=120) as http:
                if doc_id in self.model:
                    results[doc_id] = http.delete(f"/api/documents/{doc_id}", params={"wait": True}).status_code
                else:
                    body = {"title": doc_id, "lang": "en", "doc_id": doc_id, "text": _text(doc_id, marker)}
                    results[doc_id] = http.post("/api/documents", params={"wait": True}, json=body).status_code

        threads = [threading.Thread(target=one, args=(d,)) for d in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for doc_id in ids:
            if doc_id in self.model:
                assert results[doc_id] == 200, results
                del self.model[doc_id]
            else:
                assert results[doc_id] == 201, results
                self.model[doc_id] = marker

    @rule(full=st.booleans())
    def reindex(self, full: bool) -> None:
        self._count("reindex", full=full)
        res = self.http.post("/api/reindex", params={"wait": True, "full": full})
        assert res.status_code == 200, res.text

    # crashes -----------------------------------------------------------------------------------

    @precondition(lambda self: len(self.model) < 6)
    @rule(doc_id=IDS, marker=MARKERS)
    def kill_right_after_an_acknowledged_write(self, doc_id: str, marker: str) -> None:
        self._count("kill_after_write", doc_id=doc_id, marker=marker)
        res = self._add(doc_id, marker, wait=False)
        if doc_id in self.model:
            assert res.status_code == 409
        else:
            assert res.status_code == 202, res.text
            self.model[doc_id] = marker
        self.server.kill()  # the build the write started may not have begun, or be half done
        self.server.start()
        self._reconnect()

    @rule(hard=st.booleans())
    def restart(self, hard: bool) -> None:
        self._count("kill" if hard else "restart")
        if hard:
            self.server.kill()
        else:
            self.server.stop()
        self.server.start()
        self._reconnect()

    # invariants --------------------------------------------------------------------------------

    @invariant()
    def corpus_holds_every_acknowledged_write_and_nothing_else(self) -> None:
        loaded = load_corpus(self.corpus)
        assert loaded.errors == [], loaded.errors
        written = {d.doc_id: d.body for d in loaded.documents if d.doc_id.startswith("w-")}
        assert set(written) == set(self.model), self._story()
        for doc_id, marker in self.model.items():
            assert marker in written[doc_id], (doc_id, marker, written[doc_id])
        assert {p: p.read_bytes() for p in self.bundled} == self.bundled  # never clobbered

    @invariant()
    def current_names_a_verified_snapshot(self) -> None:
        version, problem = snap.read_current(self.index)
        assert problem is None and version is not None
        snap.read_manifest(snap.snapshots_dir(self.index) / version, verify=True)

    @invariant()
    def search_answers_and_the_settled_index_matches_the_model(self) -> None:
        res = self.http.get("/api/search", params={"q": "delegations cooperation", "k": 3})
        assert res.status_code == 200, res.text
        assert self.server.proc is not None
        self._settle()
        docs = {d["doc_id"] for d in self.http.get("/api/documents").json()["documents"]}
        assert docs == {EN_DOC, ES_DOC, *self.model}, self._story()
        for doc_id, marker in self.model.items():
            hits = self.http.get("/api/search", params={"q": f"{doc_id} {marker}", "mode": "bm25", "k": 3}).json()
            assert hits["hits"] and hits["hits"][0]["doc_id"] == doc_id, (doc_id, marker, self._story())
            assert marker in hits["hits"][0]["text"]

    def _settle(self) -> None:
        import time

        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            builds: dict[str, Any] = self.http.get("/api/index").json()["builds"]
            if not builds["running"] and not builds["queued"]:
                assert builds["last_outcome"] in (None, "published", "unchanged"), builds
                return
            time.sleep(0.1)
        pytest.fail("builds did not settle")


def run_model(index_dir: Path, encoder: Encoder, milvus: bool = False, examples: int = EXAMPLES) -> None:
    """Random write sequences against a live server, on the local backend or on Milvus."""
    WritePath.base_index = index_dir
    WritePath.encoder = encoder
    WritePath.stats = {}
    WritePath.milvus = milvus
    run_state_machine_as_test(
        WritePath,
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            derandomize=os.environ.get("BNC_STATEFUL_SEED") is None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"stateful write-path steps by rule: {WritePath.stats} (total {sum(WritePath.stats.values())})")
    assert sum(WritePath.stats.values()) >= examples * 5


@pytest.mark.slow
def test_write_path_model(index_dir: Path, encoder: Encoder) -> None:
    run_model(index_dir, encoder)
