"""One of each hostile file imported into a live server: it keeps answering, and everything well formed publishes."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import httpx
import pytest

from indexer.encoders import Encoder
from tests.helpers import LiveServer, built_copy, health_doc
from tests.test_bounded_reads import _docx

KEY = "hostile-probe-key"
PORT = 8631  # this suite's range for live servers


def _hostile_files() -> list[tuple[str, bytes]]:
    from PIL import Image

    png = io.BytesIO()
    Image.new("1", (10_000, 8_000), 1).save(png, "PNG")
    return [
        ("run-on.txt", ("border cooperation water health energy trade " * 10000).encode()),  # 450 KB, no punctuation
        (
            "fonts.rtf",
            ("{\\rtf1\\ansi{\\fonttbl" + "\\f1\\fcharset0 " * 100 + "}The delegations agreed.\\par}").encode(),
        ),
        ("bomb.docx", _docx(["The delegations agreed."], extra=b"<x>" + b" " * (17 * 1024 * 1024) + b"</x>")),
        ("styles.docx", _docx([f"Paragraph {i} of the statement on trade." for i in range(3000)], styles=3000)),
        ("copies.txt", "\n\n".join(["The delegations agreed to meet again in Monterrey."] * 30_000).encode()),
        ("blank.png", png.getvalue()),
        ("Health EN.txt", health_doc().encode()),
    ]


def _rss_peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


@pytest.mark.slow
def test_hostile_files_do_not_stall_the_server_and_the_rest_publishes(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = built_copy(tmp_path, index_dir, encoder)
    server = LiveServer(index, corpus, env={"BNC_API_KEYS": KEY}, log=tmp_path / "server.log")
    server.port, server.url = PORT, f"http://127.0.0.1:{PORT}"
    server.start()
    health: list[float] = []
    searches: list[float] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            while not done.is_set():
                started = time.monotonic()
                assert http.get("/healthz").status_code == 200
                health.append(time.monotonic() - started)
                started = time.monotonic()
                assert http.get("/api/search", params={"q": "border crossing cards", "k": 5}).status_code == 200
                searches.append(time.monotonic() - started)
                time.sleep(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    try:
        files = [("file", (name, data)) for name, data in _hostile_files()]
        res = httpx.post(
            f"{server.url}/api/documents/import?wait=true", files=files, headers={"X-API-Key": KEY}, timeout=600
        )
        assert res.status_code == 200, res.text
        rows = {r["file"]: r for r in res.json()["files"]}
        assert res.json()["published"] is True
        done.set()
        prober.join(30)
        assert rows["bomb.docx"]["action"] == "refused" and "16 MB (the limit)" in rows["bomb.docx"]["error"]
        assert rows["blank.png"]["action"] == "refused" and "60,000,000" in rows["blank.png"]["error"]
        for name in ("run-on.txt", "fonts.rtf", "styles.docx", "copies.txt", "Health EN.txt"):
            assert rows[name]["action"] == "added", rows[name]
        status = httpx.get(f"{server.url}/api/index", headers={"X-API-Key": KEY}).json()
        assert status["builds"]["last_outcome"] == "published" and status["builds"]["quarantined"] == []
        refused = {r["file"]: r["reason"] for r in status["builds"]["refused_uploads"]}
        assert refused == {"bomb.docx": rows["bomb.docx"]["error"], "blank.png": rows["blank.png"]["error"]}
        listed = {d["doc_id"] for d in httpx.get(f"{server.url}/api/documents").json()["documents"]}
        assert {rows[n]["doc_id"] for n in ("run-on.txt", "fonts.rtf", "styles.docx", "Health EN.txt")} <= listed
        assert server.proc is not None
        peak = _rss_peak_mb(server.proc.pid)
    finally:
        done.set()
        server.stop()
    health.sort()
    searches.sort()
    print(
        f"\nhealthz n={len(health)} max {health[-1]:.3f} s; search n={len(searches)} "
        f"p99 {searches[int(len(searches) * 0.99) - 1]:.3f} s; server RSS peak {peak:.0f} MB"
    )
    assert health[-1] < 1.0
    assert searches[int(len(searches) * 0.99) - 1] < 1.0
    assert peak < 1536
