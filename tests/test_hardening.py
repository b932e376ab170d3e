"""Hostile input, headers, request ids, metrics and logs on the in-process app."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.types import Document
from service.app import create_app
from service.config import Settings
from service.error_codes import CODES
from service.observability import JsonFormatter
from tests.helpers import corpus_copy, seeded_index

HOSTILE_QUERIES = [
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202e\u200b\ufeff",
    "a" * 1000,
    "🙂" * 300,
    "field:value AND (text_en:border OR",  # query-parser syntax must be plain text
    "*?~^",
    "\\\\\\",
    "NULL\x00byte",
    "../../etc/passwd",
    "e\u0301migration",  # decomposed accent: normalized to NFC
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_get_answers_not_errors(client: TestClient, q: str) -> None:
    for res in (
        client.get("/api/search", params={"q": q}),
        client.post("/api/search", json={"q": q, "mode": "bm25"}),
        client.post("/api/ask", json={"q": q}),
    ):
        assert res.status_code in (200, 422), res.text
        assert res.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/search", {"params": {"q": "x", "k": "1e9"}}),
        ("GET", "/api/search", {"params": {"q": "x", "doc_ids": ["a"] * 101}}),
        ("POST", "/api/search", {"json": {"q": 5}}),
        ("POST", "/api/search", {"json": ["q"]}),
        ("POST", "/api/search", {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}}),
        ("POST", "/api/ask", {"json": {"q": "x" * 1001}}),
        ("GET", "/api/passages/" + "x" * 301, {}),
        ("GET", "/api/documents/%2e%2e%2fetc", {}),
    ],
)
def test_malformed_requests_are_4xx_json(client: TestClient, method: str, path: str, kwargs: dict[str, object]) -> None:
    res = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert 400 <= res.status_code < 500, res.text
    assert "detail" in res.json()
    assert res.json()["code"] in CODES  # a stable code to branch on, whatever the input


def test_security_headers_and_csp(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    api = client.get("/api/documents")
    assert api.headers["referrer-policy"] == "no-referrer"
    assert (
        "access-control-allow-origin" not in client.get("/healthz", headers={"Origin": "https://evil.example"}).headers
    )


def test_cors_only_for_configured_origins(index_dir: Path, encoder: Encoder) -> None:
    app = create_app(Settings(index=index_dir, cors_origins="https://staff.example"), encoder=encoder)
    with TestClient(app) as c:
        ok = c.get("/healthz", headers={"Origin": "https://staff.example"})
        assert ok.headers["access-control-allow-origin"] == "https://staff.example"
        assert (
            "access-control-allow-origin" not in c.get("/healthz", headers={"Origin": "https://evil.example"}).headers
        )


def test_request_id_and_access_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bnc.access"):
        res = client.get("/api/search", params={"q": "visa"}, headers={"X-Request-ID": "abc-123"})
        generated = client.get("/healthz").headers["x-request-id"]
    assert res.headers["x-request-id"] == "abc-123"
    assert len(generated) == 32 and generated != "abc-123"
    record = next(r for r in caplog.records if getattr(r, "fields", {}).get("request_id") == "abc-123")
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/api/search" and line["status"] == 200 and line["ms"] > 0
    assert line["level"] == "info" and "ts" in line


def test_admin_key_is_never_logged(
    tmp_path: Path, index_dir: Path, encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(index=index_dir, api_keys="very-secret-key"), encoder=encoder)
    with caplog.at_level(logging.DEBUG), TestClient(app) as c:
        c.get("/api/index", headers={"X-API-Key": "very-secret-key"})
        c.get("/api/index", headers={"X-API-Key": "wrong-guess-key"})
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "very-secret-key" not in text and "wrong-guess-key" not in text


def test_metrics_endpoint(client: TestClient) -> None:
    client.get("/api/search", params={"q": "SENTRI"})
    body = client.get("/metrics").text
    assert 'bnc_requests_total{method="GET",route="/api/search",status="200"}' in body
    assert "bnc_request_seconds_bucket" in body
    assert "bnc_index_passages 38.0" in body and "bnc_index_info{version=" in body


def test_flipped_byte_snapshot_is_refused_and_previous_keeps_serving(
    tmp_path: Path, index_dir: Path, corpus_docs: list[Document], encoder: Encoder, caplog: pytest.LogCaptureFixture
) -> None:
    index = seeded_index(tmp_path, index_dir)
    build_index(corpus_docs, index, encoder)
    # the watcher thread stays idle here: the test runs its tick itself, after corrupting the file
    app = create_app(Settings(index=index, corpus=corpus_copy(tmp_path), reload_interval_s=3600), encoder=encoder)
    with TestClient(app) as c:
        good = c.get("/readyz").json()["index_version"]
        report = build_index(corpus_docs, index, encoder)
        vectors = snap.snapshots_dir(index) / report.version / "vectors.faiss"
        data = bytearray(vectors.read_bytes())
        data[len(data) // 2] ^= 0x10
        vectors.write_bytes(bytes(data))
        with caplog.at_level(logging.ERROR, logger="bnc.engine"):
            assert app.state.engine.reload() is False
            assert app.state.engine.reload() is False  # refused once, not retried
            res = c.get("/api/search", params={"q": "visa"})
        assert res.status_code == 200 and res.json()["index_version"] == good
        refusals = [r.getMessage() for r in caplog.records if f"snapshot {report.version} refused" in r.getMessage()]
        assert len(refusals) == 1 and "vectors.faiss" in refusals[0]
