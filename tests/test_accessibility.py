"""Headless Chromium: axe-core on four views in both languages, keyboard use, coded errors in Spanish, offline docs."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from indexer.encoders import Encoder
from service.app import create_app
from service.config import Settings
from tests.conftest import CORPUS, ES_DOC
from tests.test_web import CHROMIUM, HOW_MANY, WHEN_ENDED, ask, base_url, browser, expect, new_page  # noqa: F401

pytestmark = [
    pytest.mark.slow,  # a real browser against live servers
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/browser-setup.sh installs it)"),
]
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

VIEWS = {
    "search": "/",
    "answer": "/?q=How+many+border+crossing+cards+have+been+issued%3F",  # tests.test_web.HOW_MANY
    "no-answer": "/?q=what+is+the+weather+on+mars",
    "document": f"/documents/{ES_DOC}?passage=",
}
LOCALES = {"en": "en-US", "es": "es-MX"}


@pytest.fixture(scope="module")
def bare_url(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Iterator[str]:
    """A live server with no index yet: every search is 503 index_not_ready."""
    settings = Settings(index=tmp_path_factory.mktemp("no-index"), corpus=CORPUS, reconcile_on_start=False)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, encoder=encoder), log_level="warning"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def strings(browser: Any, base_url: str) -> dict[str, dict[str, str]]:  # noqa: F811
    page = new_page(browser, base_url)
    page.goto("/")
    found: dict[str, dict[str, str]] = page.evaluate("async () => (await import('/static/i18n.js')).STRINGS")
    page.context.close()
    return found


def _open(chromium: Any, base: str, ui: str, path: str) -> Any:
    page = new_page(chromium, base, locale=LOCALES[ui])
    page.goto(path)
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("html")).to_have_attribute("lang", ui)
    return page


@pytest.mark.parametrize("ui", sorted(LOCALES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_axe_finds_no_serious_or_critical_violation(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
    ui: str,
    view: str,
) -> None:
    path = VIEWS[view]
    if view == "document":
        first = json.load(urllib.request.urlopen(f"{base_url}/api/documents/{ES_DOC}", timeout=30))
        path += first["passages"][5]["passage_id"]
    page = _open(browser, base_url, ui, path)
    if view in ("answer", "no-answer"):
        expect(page.locator("#answer")).to_be_visible()
        expect(page.locator("#answer")).to_have_class(re.compile("no-answer") if view == "no-answer" else "answer-card")
        expect(page.locator("#announce")).not_to_be_empty()  # the live region says what arrived
    if view == "document":
        expect(page.locator(".para.cited")).to_be_focused()
        expect(page.locator("#doc-body")).to_have_attribute("lang", "es")  # the voice switches to Spanish
    results = axe_sync.Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
    assert page.js_errors == []
    page.context.close()


def test_keyboard_alone_enter_searches_escape_clears_focus_shows(browser: Any, base_url: str) -> None:  # noqa: F811
    page = new_page(browser, base_url)
    ask(page, HOW_MANY)  # typed into the autofocused box, Enter submits
    expect(page.locator("#announce")).to_contain_text("Answer found.")
    page.locator("#q").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator("#answer")).to_be_visible()  # the first Escape clears the box only
    page.keyboard.press("Escape")
    expect(page.locator("#answer")).to_be_hidden()
    page.keyboard.press("Tab")  # to the Ask button
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("() => document.activeElement.id") == "submit" and outline != "none"
    assert page.js_errors == []
    page.context.close()


def test_spanish_page_shows_spanish_messages_from_the_codes(
    browser: Any,  # noqa: F811
    base_url: str,  # noqa: F811
    bare_url: str,
    strings: dict[str, dict[str, str]],
) -> None:
    es = strings["es"]
    page = _open(browser, base_url, "es", "/")
    with page.expect_response("**/api/ask") as too_long:
        page.goto("/?q=" + "x" * 1001)  # past the box's maxlength: only a link or a script sends it
    assert too_long.value.status == 422 and too_long.value.json()["code"] == "query_too_long"
    assert too_long.value.request.headers["accept-language"] == "es"
    expect(page.get_by_role("alert")).to_have_text(es["err_query_too_long"])

    with page.expect_response("**/api/ask") as empty:
        page.goto("/?q=%20%00%20")  # blank once cleaned: the server's query_empty
    assert empty.value.json()["code"] == "query_empty"
    expect(page.get_by_role("alert")).to_have_text(es["err_query_empty"])
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("alert")).to_have_text(strings["en"]["err_query_empty"])
    page.context.close()

    page = _open(browser, bare_url, "es", "/")
    page.get_by_label("Su pregunta").fill(WHEN_ENDED)
    with page.expect_response("**/api/ask") as unavailable:
        page.keyboard.press("Enter")
    assert unavailable.value.status == 503 and unavailable.value.json()["code"] == "index_not_ready"
    assert unavailable.value.json()["detail"].startswith("la búsqueda no está disponible")
    expect(page.get_by_role("alert")).to_have_text(es["err_index_not_ready"])
    assert page.js_errors == []
    page.context.close()


def _same_origin_only(html: str) -> list[str]:
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert refs
    return [r for r in refs if not r.startswith("/") or r.startswith("//")]


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_render_with_the_network_cut(browser: Any, base_url: str, path: str) -> None:  # noqa: F811
    html = urllib.request.urlopen(base_url + path, timeout=30).read().decode()
    assert _same_origin_only(html) == []
    spec = json.load(urllib.request.urlopen(base_url + "/openapi.json", timeout=30))
    operations = [(m, p) for p, ops in spec["paths"].items() for m in ops]

    page = new_page(browser, base_url)
    leaving: list[str] = []

    def only_this_origin(route: Any) -> None:  # the network, as far as this page knows, ends here
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_this_origin)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(path)
    if path == "/docs":
        expect(page.locator(".opblock")).to_have_count(len(operations))
        expect(page.locator(".opblock-summary-path").first).to_have_text("/api/search")
        assert console == [] and leaving == []  # not one CSP violation, not one request elsewhere
    else:
        expect(page.locator("[data-section-id^='tag/']").first).to_be_attached()
        rendered = page.locator("[data-section-id^='operation/']")
        expect(rendered).to_have_count(len(operations))
        # ReDoc's footer logo is the one thing it asks another host for; the CSP refuses it
        assert {u for u in leaving if "redoc" not in u} == set()
    assert page.js_errors == []
    page.context.close()


def test_head_of_docs_pages(base_url: str) -> None:  # noqa: F811
    for path in ("/docs", "/redoc"):
        req = urllib.request.Request(base_url + path, method="HEAD")
        with urllib.request.urlopen(req, timeout=30) as res:
            assert res.status == 200 and res.read() == b""


def test_page_strings_cover_the_codes_they_name(strings: dict[str, dict[str, str]]) -> None:
    from service.error_codes import CODES

    named = {k.removeprefix("err_") for k in strings["en"] if k.startswith("err_")}
    assert named <= set(CODES) and {"query_empty", "query_too_long", "index_not_ready"} <= named
    assert set(strings["en"]) == set(strings["es"])
