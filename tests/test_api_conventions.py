"""What tools and operators expect: paging, compression, the admin key in OpenAPI, metrics, offline docs, start-up."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from service.schemas import MAX_WINDOW
from tests.conftest import ROOT


def test_pages_continue_one_ranking(client: TestClient) -> None:
    q = "border crossing cards"
    whole = client.get("/api/search", params={"q": q, "k": 6}).json()
    first = client.get("/api/search", params={"q": q, "k": 3}).json()
    second = client.get("/api/search", params={"q": q, "k": 3, "offset": first["next"]}).json()
    assert first["offset"] == 0 and first["next"] == 3 and first["total_relation"] == "gte"
    assert [h["passage_id"] for h in first["hits"] + second["hits"]] == [h["passage_id"] for h in whole["hits"]]
    assert [h["rank"] for h in second["hits"]] == [4, 5, 6]  # ranks count from the top, not the page
    assert second["offset"] == 3 and second["k"] == 3 and len(second["hits"]) == 3
    post = client.post("/api/search", json={"q": q, "k": 3, "offset": 3}).json()
    assert [h["passage_id"] for h in post["hits"]] == [h["passage_id"] for h in second["hits"]]


def test_the_last_page_says_so(client: TestClient) -> None:
    # a filter to one document leaves fewer passages than the window: the count is exact, no next page
    doc = client.get("/api/documents").json()["documents"][0]["doc_id"]
    r = client.get("/api/search", params={"q": "commission", "k": 100, "doc_ids": doc, "mode": "bm25"}).json()
    assert r["next"] is None and r["total_relation"] == "eq" and r["total"] == len(r["hits"])
    past = client.get("/api/search", params={"q": "commission", "k": 5, "offset": 150, "doc_ids": doc}).json()
    assert past["hits"] == [] and past["next"] is None and past["total_relation"] == "eq"


def test_paging_past_the_window_is_a_coded_422(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "border", "k": 20, "offset": MAX_WINDOW - 10})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "page_out_of_range" and body["field"] == "offset" and str(MAX_WINDOW) in body["detail"]
    r = client.get("/api/search", params={"q": "border", "offset": -1})
    assert r.status_code == 422 and r.json()["code"] == "page_out_of_range"


def test_large_replies_are_gzipped_when_accepted(client: TestClient) -> None:
    params = {"q": "border crossing cards", "k": 20}
    r = client.get("/api/search", params=params, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(r.content) / 3  # the wire carries a fraction of the JSON
    plain = client.get("/api/search", params=params, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["hits"]
    # the exports stream through the same middleware
    csv = client.get("/api/search.csv", params=params, headers={"Accept-Encoding": "gzip"})
    assert csv.headers["content-encoding"] == "gzip" and csv.text.lstrip("\ufeff").startswith("rank,")
    raw = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw.headers  # small replies stay as they are


def test_the_admin_key_is_an_openapi_security_scheme(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["AdminKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert spec["paths"]["/api/reindex"]["post"]["security"] == [{"AdminKey": []}]
    assert spec["paths"]["/api/documents/import"]["post"]["security"] == [{"AdminKey": []}]
    assert "security" not in spec["paths"]["/api/search"]["get"]


def test_metrics_carry_the_process_and_python_collectors(client: TestClient) -> None:
    text = client.get("/metrics").text
    for name in ("process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "python_info"):
        assert f"\n{name}" in text, name
    assert "python_gc_objects_collected_total" in text and "bnc_requests_total" in text


def test_redoc_loads_nothing_from_another_host(client: TestClient) -> None:
    page = client.get("/redoc").text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(src.startswith("/") for src in scripts)
    for src in scripts:
        body = client.get(src)
        assert body.status_code == 200 and "cdn.redoc.ly" not in body.text


def _run(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)


def test_a_busy_port_fails_at_once_in_plain_words(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        done = _run(
            "import sys; from service.cli import main; "
            f"sys.exit(main(['serve', '--port', '{port}', '--index', {str(tmp_path / 'index')!r}]))"
        )
    assert done.returncode == 3, done.stderr
    assert f"error: 127.0.0.1:{port} is already in use" in done.stderr and "--port" in done.stderr
    assert time.monotonic() - started < 20  # no encoder or index was loaded first
    assert "Traceback" not in done.stderr


def test_start_up_logs_leave_out_library_loader_chatter() -> None:
    done = _run(
        "from service.observability import configure_logging; configure_logging('info'); "
        "import logging, faiss; logging.getLogger('bnc.serve').info('serving')"
    )
    assert done.returncode == 0, done.stderr
    assert '"serving"' in done.stderr and "AVX" not in done.stderr and "faiss" not in done.stderr
