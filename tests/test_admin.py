"""Admin API: keys, uploads in every form, replace, delete, reindex, status — on a real index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.ingest.corpus import load_corpus
from service.app import create_app
from service.auth import MAX_FAILED_KEYS, KeyFailures
from service.config import Settings
from tests.helpers import corpus_copy, health_doc, seeded_index

KEY = {"X-API-Key": "s3cret-key"}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("admin")
    corpus = corpus_copy(tmp)
    index = seeded_index(tmp, index_dir)
    build_index(load_corpus(corpus).documents, index, encoder)
    settings = Settings(index=index, corpus=corpus, api_keys="other-key, s3cret-key")
    with TestClient(create_app(settings, encoder=encoder)) as client:
        yield client


def _search(client: TestClient, q: str) -> dict[str, object]:
    res = client.get("/api/search", params={"q": q, "k": 3, "mode": "bm25"})
    assert res.status_code == 200
    return res.json()  # type: ignore[no-any-return]


def test_admin_routes_are_off_without_keys(client: TestClient) -> None:
    res = client.post("/api/reindex")
    assert res.status_code == 403 and "BNC_API_KEYS" in res.json()["detail"]


def test_missing_or_wrong_key_is_401(admin: TestClient) -> None:
    assert admin.get("/api/index").status_code == 401
    res = admin.get("/api/index", headers={"X-API-Key": "s3cret-kez"})
    assert res.status_code == 401 and "valid admin key" in res.json()["detail"]


def test_the_admin_page_never_puts_the_key_in_a_url(admin: TestClient) -> None:
    from html.parser import HTMLParser

    tags: dict[str, dict[str, str | None]] = {}

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if found.get("id"):
                tags[str(found["id"])] = found

    Tags().feed(admin.get("/admin").text)
    assert (tags["import-form"].get("method") or "").lower() == "post"  # never a GET with the fields in its URL
    assert "name" not in tags["api-key"]  # a form submitted without the script does not send it
    assert "disabled" in tags["import"]  # inert until admin.js runs
    assert '$("import").disabled = false' in admin.get("/static/admin.js").text


def test_wrong_keys_are_slowed_down_per_client(admin: TestClient) -> None:
    failures = cast(Any, admin.app).state
    failures.key_failures = KeyFailures()
    try:
        for _ in range(MAX_FAILED_KEYS):
            assert admin.get("/api/index", headers={"X-API-Key": "guess"}).status_code == 401
        for key in ("guess", KEY["X-API-Key"]):  # the right key waits too: a guess must not tell
            res = admin.get("/api/index", headers={"X-API-Key": key})
            assert res.status_code == 429 and res.json()["code"] == "too_many_key_attempts"
            assert 0 < int(res.headers["retry-after"]) <= 60
    finally:
        failures.key_failures.clear()
    assert admin.get("/api/index", headers=KEY).status_code == 200


def test_a_refused_upload_is_listed_in_the_index_status(admin: TestClient) -> None:
    res = admin.post(
        "/api/documents", files={"file": ("broken.pdf", b"%PDF-1.4 broken", "application/pdf")}, headers=KEY
    )
    assert res.status_code == 422
    listed = admin.get("/api/index", headers=KEY).json()["builds"]["refused_uploads"]
    assert listed[-1]["file"] == "broken.pdf" and "PDF" in listed[-1]["reason"]


def test_add_replace_delete_json_document(admin: TestClient) -> None:
    before = admin.get("/api/index", headers=KEY).json()
    body = {"title": "Border Health", "lang": "en", "date": "2003-05-01", "text": health_doc(), "doc_id": "health-en"}
    res = admin.post("/api/documents?wait=true", json=body, headers=KEY)
    assert res.status_code == 201, res.text
    added = res.json()
    assert added["doc_id"] == "health-en" and added["index_version"] != before["version"]
    assert added["path"] == "en/health-en.md"
    hits = _search(admin, "tuberculosis screening")["hits"]
    assert hits[0]["doc_id"] == "health-en"  # type: ignore[index]

    assert admin.post("/api/documents", json=body, headers=KEY).status_code == 409

    body["text"] = health_doc("seasonal construction crews")
    res = admin.put("/api/documents/health-en?wait=true", json=body, headers=KEY)
    assert res.status_code == 200 and res.json()["action"] == "replaced"
    assert "construction crews" in _search(admin, "tuberculosis screening")["hits"][0]["text"]  # type: ignore[index]

    res = admin.delete("/api/documents/health-en?wait=true", headers=KEY)
    assert res.status_code == 200
    assert all(h["doc_id"] != "health-en" for h in _search(admin, "tuberculosis screening")["hits"])  # type: ignore[attr-defined]
    assert admin.delete("/api/documents/health-en", headers=KEY).status_code == 404
    assert admin.put("/api/documents/health-en", json=body, headers=KEY).status_code == 404

    status = admin.get("/api/index", headers=KEY).json()
    assert status["documents"] == 2 and status["builds"]["running"] is False
    assert status["builds"]["last_report"]["changes"]["removed"] == ["health-en"]


def test_multipart_html_upload_in_background(admin: TestClient) -> None:
    html = (
        "<html><head><title>Nota conjunta</title></head><body><p>Las delegaciones acordaron un programa "
        "binacional de reforestación en la cuenca del río Bravo.</p></body></html>"
    )
    files = {"file": ("nota.html", html.encode(), "text/html")}
    res = admin.post("/api/documents", files=files, data={"lang": "es", "date": "2004-02-02"}, headers=KEY)
    assert res.status_code == 202 and res.json()["follow"] == "/api/index"
    job = res.json()["job"]
    assert admin.app.state.builds.wait(job, 120)  # type: ignore[attr-defined]
    hits = _search(admin, "reforestación río Bravo")["hits"]
    assert hits[0]["doc_id"] == "nota" and hits[0]["citation"]["title"] == "Nota conjunta"  # type: ignore[index]
    assert admin.delete("/api/documents/nota?wait=true", headers=KEY).status_code == 200


@pytest.mark.parametrize(
    ("files", "status", "fragment"),
    [
        ({"file": ("x.xlsx", b"PK\x03\x04", "application/octet-stream")}, 415, "not accepted"),
        ({"file": ("x.exe", b"MZ\x90\x00", "application/octet-stream")}, 415, "not accepted"),
        ({"file": ("x.docx", b"PK\x03\x04", "application/octet-stream")}, 422, "not a Word"),
        ({"file": ("x.pdf", b"%PDF-1.4 broken", "application/pdf")}, 422, "PDF"),
        ({"file": ("x.txt", b"\xff\xfe\xfa bad", "text/plain")}, 422, "UTF-8"),
        (
            {"file": ("../../etc/passwd.md", b"---\nlang: en\n---\nHello there, this is text.", "text/markdown")},
            201,
            "",
        ),
    ],
)
def test_upload_validation(
    admin: TestClient, files: dict[str, tuple[str, bytes, str]], status: int, fragment: str
) -> None:
    res = admin.post("/api/documents?wait=true", files=files, headers=KEY)
    assert res.status_code == status, res.text
    if fragment:
        assert fragment in res.json()["detail"]
    else:  # the file name never reaches the disk: the doc_id does
        assert res.json()["path"] == "en/passwd.md"
        assert admin.delete("/api/documents/passwd?wait=true", headers=KEY).status_code == 200


def test_oversized_and_malformed_bodies(admin: TestClient) -> None:
    res = admin.post(
        "/api/documents",
        content=b"{}",
        headers={**KEY, "content-type": "application/json", "content-length": str(21 * 1024 * 1024)},
    )
    assert res.status_code == 413
    assert (
        admin.post("/api/documents", content=b"{oops", headers={**KEY, "content-type": "application/json"}).status_code
        == 422
    )
    assert admin.post("/api/documents", json={"title": "x"}, headers=KEY).status_code == 422
    assert (
        admin.post("/api/documents", content=b"text", headers={**KEY, "content-type": "text/plain"}).status_code == 415
    )
    bad_id = {"title": "t", "text": "Some text here.", "doc_id": "../x"}
    assert admin.post("/api/documents", json=bad_id, headers=KEY).status_code == 422


def test_reindex_route(admin: TestClient) -> None:
    res = admin.post("/api/reindex?wait=true", headers=KEY)
    assert res.status_code == 200 and res.json()["index_version"]


def test_docx_upload_without_metadata_is_accepted_with_detected_fields(admin: TestClient) -> None:
    import io

    import docx

    document = docx.Document()
    for line in ("XX U.S.-MEXICO BINATIONAL COMMISSION", "NOVEMBER 12, 2003", "WASHINGTON, D.C."):
        document.add_paragraph(line)
    document.add_paragraph("WORKING GROUP ON HEALTH")
    document.add_paragraph(health_doc())
    out = io.BytesIO()
    document.save(out)
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    res = admin.post(
        "/api/documents?wait=true", files={"file": ("Comunicado final.docx", out.getvalue(), mime)}, headers=KEY
    )
    assert res.status_code == 201, res.text
    doc_id = res.json()["doc_id"]
    assert doc_id == "bnc-xx-2003-11-12-health-en" and res.json()["path"] == f"en/{doc_id}.docx"
    view = admin.get(f"/api/documents/{doc_id}").json()
    assert (view["date"], view["meta"]["meeting_number"], view["meta"]["place"]) == (
        "2003-11-12",
        "20",
        "Washington, D.C.",
    )
    assert view["origins"]["date"] == {"origin": "detected", "confidence": 0.95}
    assert view["origins"]["doc_id"] == {"origin": "detected", "confidence": None}
    assert view["passages"][0]["label"] == "XX BNC, Working Group on Health, Washington, 12 Nov 2003, ¶1"
    hits = _search(admin, "tuberculosis screening")["hits"]
    assert hits[0]["doc_id"] == doc_id  # type: ignore[index]
    assert admin.delete(f"/api/documents/{doc_id}?wait=true", headers=KEY).status_code == 200


HEALTH_ES = """XX COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS
GRUPO DE TRABAJO SOBRE SALUD FRONTERIZA

Tuberculosis: Las delegaciones acordaron ampliar la detección binacional de tuberculosis entre los \
trabajadores agrícolas migrantes a lo largo de la frontera y compartir los expedientes de casos mediante \
un registro electrónico seguro.

Vacunación: Ambos gobiernos celebrarán cada abril una semana conjunta de vacunación en las ciudades \
fronterizas, con clínicas móviles en los cruces.
"""


def test_import_several_files_in_one_request_builds_once_and_reports_each(admin: TestClient) -> None:
    files = [
        ("file", ("Health EN.txt", health_doc().encode(), "text/plain")),
        ("file", ("Salud ES.txt", HEALTH_ES.encode("cp1252"), "text/plain")),
        ("file", ("sheet.xlsx", b"PK\x03\x04", "application/octet-stream")),
        ("file", ("broken.pdf", b"%PDF-1.4 broken", "application/pdf")),
    ]
    res = admin.post("/api/documents/import?wait=true", files=files, headers=KEY)
    assert res.status_code == 200, res.text
    body = res.json()
    rows = {r["file"]: r for r in body["files"]}
    en, es = rows["Health EN.txt"], rows["Salud ES.txt"]
    assert (en["action"], en["doc_id"], en["lang"]) == ("added", "bnc-xx-border-health-en", "en")
    assert (es["action"], es["doc_id"], es["lang"]) == ("added", "bnc-xx-salud-fronteriza-es", "es")
    assert "date not found" in en["warnings"] and "read as cp1252 (not UTF-8)" in es["warnings"]
    assert (en["paired_with"], es["paired_with"]) == (es["doc_id"], en["doc_id"]) and en["pair_score"] >= 0.5
    assert rows["sheet.xlsx"]["action"] == "refused" and "not accepted" in rows["sheet.xlsx"]["error"]
    assert rows["broken.pdf"]["action"] == "refused" and "PDF" in rows["broken.pdf"]["error"]
    assert body["published"] is True
    refused = {r["file"]: r["reason"] for r in admin.get("/api/index", headers=KEY).json()["builds"]["refused_uploads"]}
    assert refused["broken.pdf"] == rows["broken.pdf"]["error"] and "sheet.xlsx" in refused
    listed = {d["doc_id"]: d for d in admin.get("/api/documents").json()["documents"]}
    assert listed[en["doc_id"]]["translations"] == [es["doc_id"]]  # a detected link, listed as a given one
    for doc_id in (en["doc_id"], es["doc_id"]):
        assert admin.delete(f"/api/documents/{doc_id}?wait=true", headers=KEY).status_code == 200
    assert admin.post("/api/documents/import", files=files[2:3], headers=KEY).json()["job"] is None  # nothing to build
