"""Every error code, reached through a real request where one can reach it, in English and in Spanish."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from indexer.encoders import Encoder, EncoderMismatch
from service.app import create_app
from service.auth import MAX_FAILED_KEYS
from service.config import Settings
from service.error_codes import CODES, pick_lang, render
from tests.conftest import EN_DOC, ROOT
from tests.helpers import corpus_copy, one_page_pdf

KEY = {"X-API-Key": "k3y"}
# needs a scanned page on a machine without Tesseract: CI and this machine have it
UNREACHABLE_HERE = {"ocr_unavailable"}


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[TestClient]:
    """No index yet, admin keys set, no start-up build: the admin errors and index_not_ready."""
    tmp = tmp_path_factory.mktemp("codes")
    settings = Settings(index=tmp / "index", corpus=corpus_copy(tmp), api_keys="k3y", reconcile_on_start=False)
    app = create_app(settings, encoder=encoder)

    @app.get("/test/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/test/encoder")
    async def mismatch() -> None:
        raise EncoderMismatch("index built with model A, the server runs model B")

    @app.get("/test/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _pdf_bomb() -> bytes:
    return one_page_pdf(b"BT /F1 12 Tf 72 720 Td (" + b"A" * 7_300_000 + b") Tj ET", flate=True)


def _md(name: str = "note.md") -> tuple[str, bytes, str]:
    return (name, b"---\nlang: en\n---\nThe delegations met.\n", "text/markdown")


Call = Callable[[TestClient, TestClient, dict[str, str]], Any]
CASES: dict[str, Call] = {
    "query_empty": lambda c, b, h: c.get("/api/search", params={"q": ""}, headers=h),
    "query_too_long": lambda c, b, h: c.post("/api/ask", json={"q": "x" * 1001}, headers=h),
    "k_out_of_range": lambda c, b, h: c.get("/api/search", params={"q": "border", "k": 0}, headers=h),
    "page_out_of_range": lambda c, b, h: c.get("/api/search", params={"q": "border", "offset": 500}, headers=h),
    "dates_out_of_order": lambda c, b, h: c.post(
        "/api/search", json={"q": "visa", "date_from": "2003-01-01", "date_to": "2002-01-01"}, headers=h
    ),
    "parameter_missing": lambda c, b, h: b.post("/api/documents", json={"text": "hello"}, headers={**h, **KEY}),
    "invalid_choice": lambda c, b, h: c.get("/api/search", params={"q": "border", "mode": "fuzzy"}, headers=h),
    "invalid_parameter": lambda c, b, h: c.get("/api/search", params={"q": "border", "k": "ten"}, headers=h),
    "unknown_field": lambda c, b, h: c.post("/api/search", json={"q": "visa", "question": "visa"}, headers=h),
    "json_required": lambda c, b, h: c.post("/api/ask", data={"q": "visa"}, headers=h),
    "body_not_json": lambda c, b, h: c.post(
        "/api/search", content=b"{not json", headers={**h, "content-type": "application/json"}
    ),
    "payload_too_large": lambda c, b, h: c.post(
        "/api/search", content=b'{"q": "' + b"x" * 20_000 + b'"}', headers={**h, "content-type": "application/json"}
    ),
    "document_too_large": lambda c, b, h: b.post(
        "/api/documents", files={"file": ("bomb.pdf", _pdf_bomb(), "application/pdf")}, headers={**h, **KEY}
    ),
    "document_exists": lambda c, b, h: b.post(
        "/api/documents", json={"text": "Hello.", "title": "T", "doc_id": EN_DOC, "lang": "en"}, headers={**h, **KEY}
    ),
    "document_not_in_corpus": lambda c, b, h: b.delete("/api/documents/no-such-doc", headers={**h, **KEY}),
    "document_invalid": lambda c, b, h: b.post(
        "/api/documents", files={"file": ("x.pdf", b"%PDF-1.4 broken", "application/pdf")}, headers={**h, **KEY}
    ),
    "file_missing": lambda c, b, h: b.post("/api/documents", files={"other": _md()}, headers={**h, **KEY}),
    "unsupported_file_type": lambda c, b, h: b.post(
        "/api/documents", files={"file": ("x.exe", b"MZ", "application/octet-stream")}, headers={**h, **KEY}
    ),
    "unknown_form_fields": lambda c, b, h: b.post(
        "/api/documents", files={"file": _md()}, data={"colour": "red"}, headers={**h, **KEY}
    ),
    "unsupported_media_type": lambda c, b, h: b.post(
        "/api/documents", content=b"hello", headers={**h, **KEY, "content-type": "text/plain"}
    ),
    "no_build_running": lambda c, b, h: b.delete("/api/index/build", headers={**h, **KEY}),
    "admin_disabled": lambda c, b, h: c.post("/api/reindex", headers=h),
    "api_key_missing": lambda c, b, h: b.post("/api/reindex", headers=h),
    "api_key_invalid": lambda c, b, h: b.post("/api/reindex", headers={**h, "X-API-Key": "wrong"}),
    "too_many_key_attempts": lambda c, b, h: _guessing(b, h),
    "document_not_found": lambda c, b, h: c.get("/api/documents/no-such-doc", headers=h),
    "passage_not_found": lambda c, b, h: c.get("/api/passages/no-such-passage", headers=h),
    "not_found": lambda c, b, h: c.get("/api/nothing", headers=h),
    "method_not_allowed": lambda c, b, h: c.put("/api/search", headers=h),
    "bad_request": lambda c, b, h: b.post(
        "/api/documents/import", files=[("file", _md(f"n{i}.md")) for i in range(51)], headers={**h, **KEY}
    ),
    "http_error": lambda c, b, h: b.get("/test/teapot", headers=h),
    "index_not_ready": lambda c, b, h: b.get("/api/search", params={"q": "visa"}, headers=h),
    "encoder_mismatch": lambda c, b, h: b.get("/test/encoder", headers=h),
    "internal_error": lambda c, b, h: b.get("/test/boom", headers=h),
}


def _guessing(bare: TestClient, headers: dict[str, str]) -> Any:
    """Wrong keys until the client is slowed down; the count is forgotten after, for the other cases."""
    cast(Any, bare.app).state.key_failures.clear()  # the other cases' wrong keys
    for _ in range(MAX_FAILED_KEYS):
        assert bare.post("/api/reindex", headers={**headers, "X-API-Key": "guess"}).status_code == 401
    res = bare.post("/api/reindex", headers={**headers, "X-API-Key": KEY["X-API-Key"]})  # even the right key waits
    cast(Any, bare.app).state.key_failures.clear()
    assert 0 < int(res.headers["retry-after"]) <= 60
    return res


def template_pattern(code: str, lang: str) -> re.Pattern[str]:
    """The code's message with each {placeholder} matching any text."""
    parts = re.split(r"\{\w+\}", CODES[code].message(lang))
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


def test_every_code_has_both_languages_and_the_same_placeholders() -> None:
    for code in CODES.values():
        assert code.en and code.es and code.en != code.es, code.code
        assert code.placeholders("en") == code.placeholders("es"), code.code
        assert 400 <= code.status < 600 and re.fullmatch(r"[a-z_]+", code.code)
    assert set(CASES) | UNREACHABLE_HERE == set(CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_in_english_and_spanish(client: TestClient, bare: TestClient, code: str) -> None:
    seen = {}
    for lang, accept in (("en", "en-US,en;q=0.9"), ("es", "es-MX,es;q=0.9,en;q=0.5")):
        res = CASES[code](client, bare, {"Accept-Language": accept})
        body = res.json()
        assert res.status_code == (418 if code == "http_error" else CODES[code].status), res.text
        assert body["code"] == code, res.text
        assert set(body) >= {"code", "detail", "field"}
        detail = body["errors"][0]["detail"] if "errors" in body else body["detail"]  # validation: first problem
        assert template_pattern(code, lang).fullmatch(detail), (lang, detail)
        seen[lang] = body["detail"]
    assert seen["en"] != seen["es"]


def test_the_error_language_is_its_own_choice_not_the_query_language(client: TestClient) -> None:
    # `lang` is the query's language: a Spanish query asked by an English reader gets English errors
    res = client.post("/api/search", json={"q": "", "lang": "es"}, headers={"Accept-Language": "en"})
    assert res.json()["detail"] == render("query_empty", "en")
    res = client.get("/api/search", params={"q": "visa", "k": 500, "lang": "en"}, headers={"Accept-Language": "es"})
    assert res.json()["detail"] == "k: debe estar entre 1 y 100"
    # error_lang, a parameter of its own, wins over the header
    res = client.get(
        "/api/search", params={"q": "visa", "k": 500, "error_lang": "en"}, headers={"Accept-Language": "es"}
    )
    assert res.json() | {"errors": None} == {
        "code": "k_out_of_range",
        "detail": "k: must be between 1 and 100",
        "field": "k",
        "errors": None,
    }
    assert client.post("/api/ask", json={"q": "visa", "k": 21}).json()["detail"] == "k: must be between 1 and 20"


def test_a_spanish_error_body_has_no_english_in_it(client: TestClient) -> None:
    es = {"Accept-Language": "es"}
    body = client.get("/api/search", params={"q": "visa", "k": "diez", "date_from": "ayer"}, headers=es).json()
    assert (
        body["detail"]
        == "date_from: valor no válido (debe ser una fecha AAAA-MM-DD); k: valor no válido (debe ser un número entero)"
    )
    assert [e["msg"] for e in body["errors"]] == [e["detail"] for e in body["errors"]]
    english = client.get("/api/search", params={"q": "visa", "k": "ten"}).json()
    assert "valid integer" in english["detail"]  # English keeps pydantic's own words


def test_json_routes_refuse_form_bodies_and_unknown_fields(client: TestClient) -> None:
    res = client.post("/api/search", data={"q": "visa"})
    assert res.status_code == 415 and res.json()["code"] == "json_required"
    assert "application/x-www-form-urlencoded" in res.json()["detail"]
    res = client.post("/api/ask", json={"question": "When did the commission meet?"})
    assert res.status_code == 422
    assert {(e["code"], e["field"]) for e in res.json()["errors"]} >= {("unknown_field", "question")}
    # query strings may carry parameters of other layers (error_lang, an export's citation)
    assert client.get("/api/search", params={"q": "visa", "utm_source": "memo"}).status_code == 200


def test_the_readme_lists_every_code() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert [c for c in CODES if f"| `{c}` | {CODES[c].status} |" not in readme] == []


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "en"),
        ("", "en"),
        ("es", "es"),
        ("fr-FR,fr;q=0.9,es;q=0.8,en;q=0.7", "es"),
        ("en;q=0.4, es-ES;q=0.6", "es"),
        ("de, *;q=0.1", "en"),
        ("es;q=garbage,en", "en"),
    ],
)
def test_accept_language_negotiation(header: str | None, lang: str) -> None:
    assert pick_lang(header) == lang


def test_the_openapi_lists_every_code_and_each_operation_its_own(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {row["code"] for row in doc["info"]["x-error-codes"]} == set(CODES)
    documented: set[str] = set()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
            assert errors, f"{method} {path} documents no error"
            for status, response in errors.items():
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }
                for code in response["x-error-codes"]:
                    assert CODES[code].status == int(status), (path, code)
                    documented.add(code)
    assert documented >= set(CODES) - {"not_found", "method_not_allowed", "http_error"}


def test_the_openapi_has_english_and_spanish_examples_and_domain_names(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert {"SearchResponse", "AnswerResponse", "SearchHit", "Citation", "ErrorResponse"} <= set(
        doc["components"]["schemas"]
    )
    assert not [name for name in doc["components"]["schemas"] if name.endswith(("Public", "Create"))]
    for path in ("/api/search", "/api/ask"):
        body = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        queries = {name: ex["value"]["q"] for name, ex in body["examples"].items()}
        assert {"en", "es"} <= set(queries) and queries["es"].startswith("¿")
        sent = client.post(path, json=body["examples"]["es_to_en"]["value"])
        assert sent.status_code == 200 and {h["lang"] for h in sent.json()["hits"]} == {"en"}
    for path in ("/api/search", "/api/search.csv", "/api/search.jsonl"):
        q = next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == "q")
        assert {"en", "es"} <= set(q["examples"])


def test_readyz_without_an_index_carries_the_code(bare: TestClient) -> None:
    res = bare.get("/readyz", headers={"Accept-Language": "es"})
    assert res.status_code == 503
    assert res.json()["status"] == "not ready" and res.json()["code"] == "index_not_ready"
    assert res.json()["detail"].startswith("la búsqueda no está disponible")


def test_head_on_pages_and_health(client: TestClient) -> None:
    for path in ("/", f"/documents/{EN_DOC}", "/healthz", "/readyz", "/docs", "/redoc"):
        res = client.head(path)
        assert res.status_code == 200, path
        assert res.content == b""
