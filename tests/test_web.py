"""Staff web page in headless Chromium: answers in both languages, toggle, copy, document view, errors."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.encoders import Encoder
from service.app import create_app
from service.config import Settings
from tests.conftest import CORPUS, EN_DOC, ES_DOC
from tests.helpers import live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# the program named as the communiqué names it (.96); written in lower case the question scores .90, under the
# commission threshold (.92 since issue 16's fourth session): these tests are about the answered path
WHEN_ENDED = "¿Cuándo terminó el Programa de Sustitución de la Tarjeta de Cruce Fronterizo?"
# "... were issued?" scores .91, under the commission threshold (.93 since issue 16's third session refitted
# it with 18 near-miss unanswerable questions per half): this wording scores .95 and gets the card
HOW_MANY = "How many border crossing cards have been issued?"
TIMEOUT_MS = 15_000

# CI sets BNC_REQUIRE_BROWSER=1 after installing chromium: there a missing browser fails instead of skipping
if not CHROMIUM.exists() and os.environ.get("BNC_REQUIRE_BROWSER") == "1":
    raise RuntimeError("BNC_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
pytestmark = [
    pytest.mark.slow,  # a real browser against a live server
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (.ci/browser-setup.sh installs it)"
    ),
]

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(scope="module")
def base_url(index_dir: Path, encoder: Encoder) -> Iterator[str]:
    """The real app on a free 127.0.0.1 port, served by uvicorn in a background thread."""
    with live_server(create_app(Settings(index=index_dir, corpus=CORPUS), encoder=encoder)) as url:
        ask_api(url, HOW_MANY)  # warm the answerer so the first browser test does not pay for it
        yield url


def ask_api(base: str, q: str) -> dict[str, Any]:
    req = urllib.request.Request(
        f"{base}/api/ask", data=json.dumps({"q": q}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        body: dict[str, Any] = json.load(res)
    return body


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Any, base_url: str, locale: str = "en-US") -> Any:
    context = browser.new_context(
        base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900}, device_scale_factor=1
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # uncaught script errors; each test ends by asserting there were none
    return page


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    pg = new_page(browser, base_url)
    yield pg
    assert pg.js_errors == []
    pg.context.close()


@pytest.fixture
def page_es(browser: Any, base_url: str) -> Iterator[Any]:
    pg = new_page(browser, base_url, locale="es-MX")
    yield pg
    assert pg.js_errors == []
    pg.context.close()


def ask(page: Any, question: str) -> None:
    page.goto("/")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("#q")).to_be_focused()  # autofocus: typing starts at once
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).to_be_visible()
    expect(page.locator("#loading")).to_be_hidden()


def test_english_question_shows_answer_card_and_cited_passages(page: Any) -> None:
    ask(page, HOW_MANY)
    card = page.locator("#answer")
    expect(card.locator("h2")).to_have_text("Answer")
    expect(card.locator("mark.answer-span").first).to_contain_text("nearly 6 million")
    expect(card.locator(".citation-label").first).to_contain_text("26 Nov 2002, ¶14")
    expect(card.locator(".confidence")).to_contain_text("confidence")
    expect(card.locator(".twin blockquote[lang=es]")).to_contain_text("casi 6 millones")
    expect(card.locator(".twin h3")).to_have_text("The same passage in Spanish")
    hits = page.locator("#passages li.hit")
    assert hits.count() >= 3
    first = hits.first
    expect(first.locator(".hit-title a")).to_contain_text("Working Group on Migration and Consular Affairs")
    expect(first.locator(".hit-meta")).to_have_text("November 26, 2002 · Consular Issues · ¶14")
    expect(first.locator(".badge")).to_contain_text("EN")
    assert first.locator("mark.term").count() >= 3
    expect(first.locator("mark.term").first).to_have_text(re.compile("issue|border|cross|card", re.IGNORECASE))
    expect(first.locator(".hit-links a").first).to_have_attribute(
        "href", re.compile(rf"^/documents/{EN_DOC}\?passage=")
    )
    expect(page).to_have_url(re.compile(r"/\?q=How\+many"))


def test_spanish_question_shows_answer_card_twin_and_passages(page_es: Any) -> None:
    page = page_es
    ask(page, WHEN_ENDED)  # the es-MX browser gets the Spanish interface without touching the toggle
    expect(page.locator("html")).to_have_attribute("lang", "es")
    card = page.locator("#answer")
    expect(card.locator("h2")).to_have_text("Respuesta")
    expect(card.locator("mark.answer-span").first).to_contain_text("30 de septiembre de 2002")
    expect(card.locator("mark.answer-span strong.answer-phrase")).to_have_text("30 de septiembre de 2002")
    expect(card.locator(".citation-label").first).to_contain_text("26 nov 2002, ¶14")
    expect(card.locator(".confidence")).to_contain_text("Confianza")
    expect(card.locator(".twin h3")).to_have_text("El mismo pasaje en inglés")
    expect(card.locator(".twin blockquote[lang=en]")).to_contain_text("September 30, 2002")
    first = page.locator("#passages li.hit").first
    expect(first).to_have_class(re.compile("is-answer"))
    expect(first.locator(".hit-meta")).to_have_text("26 de noviembre de 2002 · Asuntos consulares · ¶14")
    expect(first.locator(".badge")).to_contain_text("ES")
    expect(first.locator(".hit-links")).to_contain_text("Leer en inglés")
    expect(page.locator("#passages .count")).to_contain_text("pasajes")
    if shot := os.environ.get("BNC_SCREENSHOT"):  # BNC_SCREENSHOT=docs/screenshot-es.png refreshes the README image
        page.locator("#q").blur()
        page.screenshot(path=shot)


def test_language_toggle_switches_every_label_and_is_remembered(page: Any) -> None:
    ask(page, HOW_MANY)
    page.locator("#advanced summary").click()
    strings = page.evaluate("async () => (await import('/static/i18n.js')).STRINGS")
    assert set(strings["en"]) == set(strings["es"])

    def shown() -> dict[str, str]:
        texts: dict[str, str] = page.evaluate(
            """() => Object.fromEntries([
                ...[...document.querySelectorAll('[data-i18n]')]
                    .map((e, i) => ['text:' + i + ':' + e.dataset.i18n, e.textContent]),
                ...[...document.querySelectorAll('[data-i18n-attr]')].flatMap((e, i) => e.dataset.i18nAttr.split(',')
                    .map(p => p.split(':')).map(([a, k]) => ['attr:' + i + ':' + a + ':' + k, e.getAttribute(a)])),
                ...[...document.querySelectorAll('label, legend, summary, button, h2, h3')]
                    .map((e, i) => ['ui:' + i, e.textContent.trim()]),
            ])"""
        )
        return texts

    before = shown()
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    after = shown()
    for key, text in after.items():
        if key.startswith(("text:", "attr:")):
            assert text == strings["es"][key.split(":")[-1]], key
    changed = {k for k in before if before[k] != after[k]}
    unchanged = {before[k] for k in before if k.startswith("ui:") and k not in changed}
    assert unchanged <= {"English", "Español"}, unchanged  # every visible label but the language names
    expect(page.get_by_label("Su pregunta")).to_have_value(HOW_MANY)
    expect(page.get_by_role("button", name="Preguntar")).to_be_visible()
    expect(page.get_by_label("Idioma del documento")).to_be_visible()
    expect(page.get_by_label("Número de pasajes")).to_be_visible()
    expect(page.locator("#answer h2")).to_have_text("Respuesta")  # rendered results switch too
    expect(page.locator("#answer .copy-btn").first).to_have_text("Copiar cita")
    expect(page.locator("#passages .hit-meta").first).to_contain_text("26 de noviembre de 2002")
    expect(page.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.get_by_label("Su pregunta")).to_be_visible()  # remembered in this browser
    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("Your question")).to_be_visible()


def test_copy_citation_by_keyboard_yields_quote_label_and_source(page: Any, base_url: str) -> None:
    ask(page, WHEN_ENDED)
    answer = ask_api(base_url, WHEN_ENDED)["answer"]
    cit = answer["citation"]
    expected = f"“{answer['text']}”\n{cit['label']}\nSource: {cit['source']}"
    button = page.locator("#answer .copy-btn").first
    for _ in range(40):  # keyboard alone: Tab until the copy button has focus
        if button.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#answer .copy-note").first).to_have_text("Citation copied.")
    expect(button).to_have_attribute("data-copied", expected)
    assert page.evaluate("() => navigator.clipboard.readText()") == expected


def test_document_view_highlights_the_cited_paragraph_and_links_the_translation(page: Any) -> None:
    ask(page, WHEN_ENDED)
    answer_text = page.locator("#answer mark.answer-span").first.text_content()
    page.locator("#answer a.open-doc").first.click()
    expect(page).to_have_url(re.compile(rf"/documents/{ES_DOC}\?passage=.+&start=\d+&end=\d+"))
    cited = page.locator(".para.cited")
    expect(cited).to_have_count(1)
    expect(cited).to_have_attribute("id", "p-14")
    expect(cited).to_be_focused()
    expect(cited.locator("mark.answer-span")).to_have_text(answer_text)
    expect(cited).to_be_in_viewport()
    assert page.locator(".para .pnum").filter(has_text=re.compile(r"^¶\d+$")).count() == 19
    expect(page.locator("#doc-title")).to_contain_text("Grupo de Trabajo sobre Migración")
    other = page.locator("#other-lang")
    expect(other).to_have_text("Read in English")
    other.click()
    expect(page).to_have_url(re.compile(rf"/documents/{EN_DOC}\?passage="))
    expect(page.locator(".para.cited")).to_have_attribute("id", "p-14")
    expect(page.locator(".para.cited")).to_contain_text("September 30, 2002")
    page.goto("/documents/no-such-doc")
    expect(page.locator("#message")).to_have_text("This communiqué is not in the index.")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, {"detail": "internal error; the server log has the details"}, "The server ran into an error"),
        (503, {"detail": "no index at index: run `bnc index` first"}, "Search is not available right now"),
        (422, {"detail": "q: the query is empty"}, "The search could not be run: q: the query is empty"),
        (None, None, "The server could not be reached"),
    ],
)
def test_server_errors_are_explained_not_blank(page: Any, status: int | None, body: Any, message: str) -> None:
    def reply(route: Any) -> None:
        if status is None:
            route.abort("connectionrefused")
        else:
            route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route("**/api/ask", reply)
    page.goto("/")
    page.get_by_label("Your question").fill(HOW_MANY)
    page.get_by_role("button", name="Ask").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(message)
    expect(page.locator("#answer")).to_be_hidden()
    expect(page.locator("#loading")).to_be_hidden()
    page.get_by_role("button", name="Español").click()
    expect(alert).not_to_contain_text(message)  # the message follows the interface language


# the page's own suggested question (its placeholder), in the staff's lower case
SUGGESTED = "When did the border crossing card replacement program end?"
HEADINGS = {
    "answer": "Answer",
    "likely": "Likely answer — check the passage",
    "not_found": "Not found in the communiqués",
}


def test_the_suggested_question_gets_a_card_worded_as_the_api_level(page: Any, base_url: str) -> None:
    got = ask_api(base_url, SUGGESTED)
    # the right sentence, more likely right than not: a card, at the level the API gives
    assert got["answered"] and got["level"] in ("answer", "likely") and got["confidence"] >= 0.5, got
    assert "Border Crossing Card" in got["answer"]["text"]
    ask(page, SUGGESTED)
    card = page.locator("#answer")
    expect(card.locator("h2")).to_have_text(HEADINGS[got["level"]])
    expect(card.locator("mark.answer-span").first).to_contain_text("Border Crossing Card")
    expect(card.locator(".confidence")).to_contain_text(f"{round(got['confidence'] * 100)}%")
    expect(card).not_to_contain_text("Not found")
    expect(card.locator(".copy-btn").first).to_be_visible()  # a likely answer is still a citation to paste


def test_a_keyword_search_gets_passages_and_no_card(page: Any, base_url: str) -> None:
    assert ask_api(base_url, "SENTRI")["level"] == "not_a_question"
    page.goto("/?q=SENTRI")
    expect(page.locator("#passages")).to_be_visible()
    expect(page.locator("#answer")).to_be_hidden()


def test_empty_results_no_answer_and_advanced_settings(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Your question").fill(HOW_MANY)
    page.get_by_label("From date").fill("1990-01-01")
    page.get_by_label("To date").fill("1990-12-31")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("alert")).to_contain_text("No passages match")
    expect(page.locator("#passages")).to_be_hidden()

    page.get_by_label("From date").fill("2003-01-01")
    page.get_by_label("To date").fill("2002-01-01")
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_role("alert")).to_have_text("The “from” date is after the “to” date.")

    page.goto("/?q=what+is+the+weather+on+mars")
    expect(page.locator("#answer h2")).to_have_text("Not found in the communiqués")
    expect(page.locator("#answer .copy-btn")).to_have_count(0)
    expect(page.locator("#answer mark.answer-span")).to_have_count(0)  # no quote offered

    page.goto("/")
    page.get_by_label("Your question").fill("border security")
    page.get_by_label("Document language").select_option("es")
    page.get_by_text("Advanced").click()
    page.get_by_label("Search mode").select_option("bm25")
    page.get_by_label("Number of passages").fill("8")
    with page.expect_request("**/api/search") as searched:
        page.get_by_role("button", name="Ask").click()
    sent = json.loads(searched.value.post_data)
    # the list asks for an unofficial machine translation of hits with no twin in the asker's language
    assert sent == {"q": "border security", "doc_lang": "es", "k": 8, "mode": "bm25", "translate_hits": True}
    expect(page.locator("#passages li.hit")).to_have_count(8)
    assert set(page.locator("#passages li.hit .badge").all_text_contents()) == {"ESSpanish"}


def test_one_result_per_communique_groups_the_list_and_survives_a_reload(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Your question").fill("border security")
    page.get_by_text("Advanced").click()
    expect(page.get_by_label("One result per communiqué")).not_to_be_checked()  # the default list is ungrouped
    page.get_by_label("One result per communiqué").check()
    with page.expect_request("**/api/search") as searched:
        page.get_by_role("button", name="Ask").click()
    sent = json.loads(searched.value.post_data)
    assert sent == {"q": "border security", "k": 5, "mode": "hybrid", "translate_hits": True, "group": "document"}
    # the bundled corpus is one communiqué in two languages: one result, the rest behind its link
    expect(page.locator("#passages li.hit")).to_have_count(1)
    more = page.locator("#passages li.hit a.more-from-doc")
    expect(more).to_have_text(re.compile(r"^\d+ more from this communiqué$"))
    assert "group=document" in page.url

    page.reload()
    expect(page.locator("#passages li.hit")).to_have_count(1)
    expect(page.get_by_label("One result per communiqué")).to_be_checked()
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_label("Un resultado por comunicado")).to_be_checked()
    expect(page.locator("#passages li.hit a.more-from-doc")).to_contain_text("más de este comunicado")

    page.get_by_label("Un resultado por comunicado").uncheck()
    page.get_by_role("button", name="Preguntar").click()
    expect(page.locator("#passages li.hit")).to_have_count(5)  # ungrouped again: passages, several per communiqué
    expect(page.locator("#passages li.hit a.more-from-doc")).to_have_count(0)
