"""Web page routes without a browser: HTML shells, static assets, CSP-friendly markup, and the document API."""

from __future__ import annotations

import colorsys
import re

import pytest
from fastapi.testclient import TestClient

from indexer.types import Document
from service.routes.pages import STATIC_DIR
from tests.conftest import EN_DOC, ES_DOC

PAGES = ["/", f"/documents/{EN_DOC}"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_html_with_external_scripts_only(client: TestClient, path: str) -> None:
    res = client.get(path)
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/html")
    html = res.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I)  # no inline event handlers
    assert not re.search(r"\sstyle\s*=", html, flags=re.I) and "<style" not in html  # no inline styles
    assert 'href="/static/app.css"' in html and "javascript:" not in html


def test_static_assets_are_served_with_their_types(client: TestClient) -> None:
    types = {"app.js": "javascript", "doc.js": "javascript", "i18n.js": "javascript", "app.css": "text/css"}
    for name, kind in types.items():
        res = client.get(f"/static/{name}")
        assert res.status_code == 200 and kind in res.headers["content-type"], name
    assert client.get("/static/nothing.js").status_code == 404


def _string_keys(block: str) -> set[str]:
    return set(re.findall(r"^\s{4}(\w+):", block, flags=re.M))


def test_every_interface_string_exists_in_both_languages() -> None:
    source = (STATIC_DIR / "i18n.js").read_text(encoding="utf-8")
    en_block = source.split("\n  en: {", 1)[1].split("\n  },", 1)[0]
    es_block = source.split("\n  es: {", 1)[1].split("\n  },", 1)[0]
    en, es = _string_keys(en_block), _string_keys(es_block)
    assert en == es and len(en) > 40
    used: set[str] = set()
    for page in STATIC_DIR.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        used |= set(re.findall(r'data-i18n="(\w+)"', html))
        used |= {key for attrs in re.findall(r'data-i18n-attr="([^"]+)"', html) for key in re.findall(r":(\w+)", attrs)}
    for script in STATIC_DIR.glob("*.js"):
        used |= set(re.findall(r'\bt\("(\w+)"', script.read_text(encoding="utf-8")))
    assert used <= en, used - en


def test_document_api_returns_body_and_numbered_passages(client: TestClient, docs_by_id: dict[str, Document]) -> None:
    res = client.get(f"/api/documents/{ES_DOC}")
    assert res.status_code == 200
    doc = res.json()
    assert doc["doc_id"] == ES_DOC and doc["lang"] == "es" and doc["date"] == "2002-11-26"
    assert doc["body"] == docs_by_id[ES_DOC].body
    assert doc["translation_of"] == EN_DOC
    assert doc["translations"] == [
        {"doc_id": EN_DOC, "lang": "en", "title": docs_by_id[EN_DOC].title, "evidence": "given (translation_of)"}
    ]
    passages = doc["passages"]
    assert len(passages) == 19 and [p["ordinal"] for p in passages] == list(range(1, 20))  # the header: metadata
    for p in passages:
        assert doc["body"][p["char_start"] : p["char_end"]] == p["text"]
    assert [p["char_start"] for p in passages] == sorted(p["char_start"] for p in passages)
    p14 = passages[13]
    assert p14["section"] == "Asuntos consulares" and p14["label"].endswith("26 nov 2002, ¶14")
    assert passages[0]["label"].endswith("¶1")


def test_document_api_twins_point_at_the_translation(client: TestClient) -> None:
    es = client.get(f"/api/documents/{ES_DOC}").json()
    en = client.get(f"/api/documents/{EN_DOC}").json()
    en_by_id = {p["passage_id"]: p for p in en["passages"]}
    assert en["translations"][0]["doc_id"] == ES_DOC
    for p in es["passages"]:
        assert p["twins"], p["ordinal"]
        assert en_by_id[p["twins"][0]]["ordinal"] == p["ordinal"]


def test_document_api_unknown_document_is_json_404(client: TestClient) -> None:
    res = client.get("/api/documents/no-such-doc")
    assert res.status_code == 404
    assert "no document 'no-such-doc'" in res.json()["detail"]
    assert client.get("/documents/no-such-doc").status_code == 404  # the page, served with 404, explains it


def test_document_api_is_in_openapi_and_list_route_still_works(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/documents/{doc_id}" in paths and "/api/documents" in paths
    assert "/" not in paths and "/documents/{doc_id}" not in paths
    assert len(client.get("/api/documents").json()["documents"]) == 2


def test_the_focus_ring_is_not_the_colour_of_an_error() -> None:
    css = (STATIC_DIR / "app.css").read_text()

    def hue(name: str) -> float:
        value = re.search(rf"--{name}:\s*#([0-9a-f]{{6}})", css)
        assert value, name
        r, g, b = (int(value.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return colorsys.rgb_to_hsv(r, g, b)[0] * 360

    assert 190 <= hue("focus") <= 260  # blue, as focus rings are
    assert not (hue("focus") < 40 or hue("focus") > 330)  # not the red-orange of --error-ink
