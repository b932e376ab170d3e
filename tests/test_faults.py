"""Faults on the real processes: a build that runs out of disk, and SIGTERM during a request."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from indexer.encoders import Encoder
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.ingest.corpus import load_corpus
from tests.conftest import ROOT
from tests.helpers import corpus_copy, free_port, seeded_index

pytestmark = pytest.mark.slow  # real processes: out-of-disk build, SIGTERM drain


def _env(index: Path, corpus: Path) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "BNC_INDEX": str(index), "BNC_CORPUS": str(corpus), "PATH": path}


def test_build_out_of_disk_fails_cleanly(tmp_path: Path, index_dir: Path, encoder: Encoder) -> None:
    corpus = corpus_copy(tmp_path)
    index = seeded_index(tmp_path, index_dir)
    build_index(load_corpus(corpus).documents, index, encoder)
    before = snap.current_version(index)

    def small_files() -> None:  # files may not grow past 32 KiB: the vectors file needs 60
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (32 * 1024, 32 * 1024))

    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", "--full", "--quiet"],  # the corpus is unchanged: force a build
        env=_env(index, corpus),
        preexec_fn=small_files,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 4, done.stderr
    assert "the build failed" in done.stderr and "the served index is unchanged" in done.stderr
    assert "Traceback" not in done.stderr
    assert snap.current_version(index) == before
    assert not list(snap.snapshots_dir(index).glob(".tmp-*"))  # the failed build removed its staging dir
    report = build_index(load_corpus(corpus).documents, index, encoder)  # with space again, builds work
    assert report.version != before


def _container_command(port: int) -> list[str]:
    """The Dockerfile's CMD (exec form), run outside Docker (Docker cannot run here), on a free loopback port."""
    line = next(line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    argv = [str(a) for a in json.loads(line.removeprefix("CMD").strip())]
    assert argv[:2] == ["bnc", "serve"]
    return [{"8000": str(port), "0.0.0.0": "127.0.0.1"}.get(a, a) for a in argv]


def test_container_entry_serves_and_sigterm_drains(tmp_path: Path, index_dir: Path) -> None:
    corpus = corpus_copy(tmp_path)
    index = seeded_index(tmp_path, index_dir)  # cached vectors: serve's start-up reconcile encodes nothing
    port = free_port()
    proc = subprocess.Popen(_container_command(port), env=_env(index, corpus), start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("the container entry command did not serve")
        result: dict[str, object] = {}

        def slow_request() -> None:  # first ask on new sentences encodes them: about a second
            res = httpx.post(f"{url}/api/ask", json={"q": "¿Qué acordaron sobre la Convención de La Haya?"}, timeout=60)
            result["status"] = res.status_code
            result["answered"] = res.json().get("answered")

        worker = threading.Thread(target=slow_request)
        worker.start()
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGTERM)
        worker.join(timeout=60)
        assert result.get("status") == 200  # the in-flight request finished
        # uvicorn drains, then re-raises SIGTERM so the exit status says how it ended
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{url}/healthz", timeout=2)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
