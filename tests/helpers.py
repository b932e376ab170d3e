"""Test helpers: corpus copies, seeded index dirs and small real documents."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from indexer.encoders import Encoder
from tests.conftest import CORPUS, ROOT

HEALTH_DOC = """XX U.S.-MEXICO BINATIONAL COMMISSION
WORKING GROUP ON BORDER HEALTH

Tuberculosis: The delegations agreed to expand binational tuberculosis screening for {who} \
along the border and to share case records through a secure electronic registry.

Vaccination: Both governments will hold a joint vaccination week in border cities every April, \
with mobile clinics at crossing points.
"""


def health_doc(who: str = "migrant farm workers") -> str:
    return HEALTH_DOC.format(who=who)


def corpus_copy(tmp: Path) -> Path:
    dest = tmp / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def seeded_index(tmp: Path, session_index: Path) -> Path:
    """An empty index dir whose embedding cache already holds the bundled corpus' vectors."""
    dest = tmp / "index"
    (dest / "cache").mkdir(parents=True)
    shutil.copy(session_index / "cache" / "embeddings.sqlite", dest / "cache" / "embeddings.sqlite")
    return dest


def built_copy(tmp: Path, session_index: Path, encoder: Encoder) -> tuple[Path, Path]:
    """A corpus copy and an index built over it (vectors from the session's cache): one test's own archive."""
    from indexer.index.build import build_index
    from indexer.ingest.corpus import load_corpus

    corpus, index = corpus_copy(tmp), seeded_index(tmp, session_index)
    build_index(load_corpus(corpus).documents, index, encoder)
    return corpus, index


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """A real `uvicorn service.app:create_app` process on a free port, restartable and killable."""

    def __init__(
        self,
        index: Path,
        corpus: Path,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.index, self.corpus, self.extra, self.log, self.args = index, corpus, env or {}, log, args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        env = {
            **os.environ,
            "BNC_INDEX": str(self.index),
            "BNC_CORPUS": str(self.corpus),
            "BNC_RELOAD_INTERVAL_S": "0.2",
            **self.extra,
        }
        cmd = [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port), *self.args]
        err = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stderr=err)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("server did not become ready")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, as in a crash or an OOM kill."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


def write_beir(root: Path) -> Path:
    corpus = [
        {
            "_id": "D1",
            "title": "Visas",
            "text": "Laser visas let border residents cross for short visits.",
            "lang": "en",
        },
        {
            "_id": "D1-es",
            "title": "Visas",
            "text": "Las visas láser permiten cruzar la frontera.",
            "translation_of": "D1",
        },
        {"_id": "D2", "title": "Water", "text": "The water treaty governs the sharing of rivers between the nations."},
    ]
    queries = [
        {"_id": "q1", "text": "laser visa", "lang": "en"},
        {"_id": "q2", "text": "¿Quién reparte el agua de los ríos?"},
        {"_id": "q3", "text": "unjudged"},
    ]
    root.mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in corpus), encoding="utf-8")
    (root / "queries.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in queries), encoding="utf-8")
    (root / "qrels").mkdir(exist_ok=True)
    (root / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\tD1\t1\nq1\tD1-es\t1\nq2\tD2\t2\nq2\tnope\t1\n", encoding="utf-8"
    )
    return root


def one_page_pdf(content: bytes, flate: bool = False) -> bytes:
    """A minimal one-page PDF (Helvetica) whose content stream is `content`, assembled by hand with a valid xref."""
    stream = zlib.compress(content, 9) if flate else content
    filters = b" /Filter /FlateDecode" if flate else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@contextlib.contextmanager
def live_server(app: Any) -> Iterator[str]:
    """The app on a free 127.0.0.1 port, served by uvicorn in a background thread: its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
