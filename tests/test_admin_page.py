"""The page for adding communiqués (/admin) in headless Chromium: a live server with admin keys, real files, axe."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from indexer.encoders import Encoder
from service.app import create_app
from service.config import Settings
from tests.helpers import built_copy, live_server
from tests.test_web import CHROMIUM, browser, expect, new_page  # noqa: F401

pytestmark = [
    pytest.mark.slow,  # a real browser against a live server
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/browser-setup.sh installs it)"),
]
KEY = "page-key-1"
WATER = [
    "Joint Statement on Water Cooperation",
    "Mexico City, March 3, 2003",
    "The Water Working Group of the Binational Commission agreed today to expand the exchange of hydrological "
    "data along the Rio Grande and to create a joint drought contingency fund for the border region.",
    "Both delegations reaffirmed the 1944 Water Treaty and asked the International Boundary and Water "
    "Commission to report on deliveries before the next plenary meeting.",
]

AGUA = [
    "Declaración conjunta sobre cooperación en materia de agua",
    "Ciudad de México, 3 de marzo de 2003",
    "El Grupo de Trabajo sobre Agua de la Comisión Binacional acordó hoy ampliar el intercambio de datos "
    "hidrológicos a lo largo del río Bravo y crear un fondo conjunto de contingencia para sequías en la región "
    "fronteriza.",
    "Ambas delegaciones reafirmaron el Tratado de Aguas de 1944 y pidieron a la Comisión Internacional de Límites "
    "y Aguas que informe sobre las entregas antes de la próxima reunión plenaria.",
]


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for para in paragraphs[1:]:
        document.add_paragraph(para)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def admin_url(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[str]:
    """Its own corpus and index (uploads change them), admin routes on with one key."""
    corpus, index = built_copy(tmp_path_factory.mktemp("admin-page"), index_dir, encoder)
    with live_server(create_app(Settings(index=index, corpus=corpus, api_keys=KEY), encoder=encoder)) as url:
        yield url


def _files(page: Any, *files: tuple[str, bytes, str]) -> None:
    page.locator("#files").set_input_files([{"name": n, "mimeType": m, "buffer": b} for n, b, m in files])


def test_files_are_added_with_what_was_read_from_them(browser: Any, admin_url: str) -> None:  # noqa: F811
    page = new_page(browser, admin_url)
    page.goto("/")
    page.get_by_role("link", name="Add communiqués").click()  # the search page links to it
    expect(page.get_by_role("heading", name="Add communiqués")).to_be_visible()
    page.locator("#api-key").fill("not-the-key")
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    _files(page, ("Water statement.docx", _docx(WATER), docx_type))
    page.get_by_role("button", name="Add to the archive").click()
    # the page's words for the admin key, not the API's talk of HTTP headers
    expect(page.locator("#message")).to_have_text("That admin key is not valid. Check it and try again.")
    expect(page.locator("#api-key")).to_be_focused()

    page.locator("#api-key").fill(KEY)
    _files(page, ("Water statement.docx", _docx(WATER), docx_type), ("budget.xlsx", b"PK\x03\x04", "application/zip"))
    page.get_by_role("button", name="Add to the archive").click()
    report = page.locator("#report")
    expect(report).to_be_visible()
    expect(page.locator("#report-summary")).to_contain_text("1 added, 1 refused. The index is updated")
    added = report.locator("tbody tr").filter(has_text="Water statement.docx")
    expect(added).to_contain_text("Added")
    expect(added).to_contain_text("English (100%)")
    expect(added).to_contain_text("March 3, 2003")
    refused = report.locator("tbody tr").filter(has_text="budget.xlsx")
    expect(refused).to_contain_text("Refused")
    expect(refused).to_contain_text("not accepted")
    added.get_by_role("link", name="Joint Statement on Water Cooperation").click()  # the title, without '#'
    expect(page.locator("#doc-title")).to_have_text("Joint Statement on Water Cooperation")
    expect(page.locator("#doc-body")).to_contain_text("drought contingency fund")  # published: served now

    # the Spanish version is paired with it; staff say it is not, then take the file back out
    page.goto("/admin")
    _files(page, ("Declaración agua.docx", _docx(AGUA), docx_type))
    page.get_by_role("button", name="Add to the archive").click()
    row = page.locator("#report tbody tr").filter(has_text="Declaración agua.docx")
    expect(row).to_contain_text("Spanish")
    expect(row.get_by_role("link", name="water-statement")).to_be_visible()  # paired with the English one
    es_id = row.locator("code").inner_text()
    row.get_by_role("button", name="Not its translation").click()
    expect(page.locator("#message")).to_contain_text("will no longer be paired")
    expect(row).to_contain_text("pairing refused")
    assert page.request.get(f"/api/documents/{es_id}").json()["translations"] == []
    page.once("dialog", lambda dialog: dialog.accept())  # "Remove ... from the archive and the index?"
    row.get_by_role("button", name="Remove from the archive").click()
    expect(row).to_contain_text("Removed")
    expect(row.locator(f'a[href="/documents/{es_id}"]')).to_have_count(0)  # no link to a page that is gone
    assert page.request.get(f"/api/documents/{es_id}").status == 404
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("ui", ["en", "es"])
def test_admin_page_has_no_serious_axe_violation_and_speaks_spanish(
    browser: Any,  # noqa: F811
    admin_url: str,
    ui: str,
) -> None:
    axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = new_page(browser, admin_url, locale={"en": "en-US", "es": "es-MX"}[ui])
    page.goto("/admin")
    heading = {"en": "Add communiqués", "es": "Agregar comunicados"}[ui]
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.get_by_role("button", name={"en": "Add to the archive", "es": "Agregar al archivo"}[ui]).click()
    expect(page.locator("#message")).to_be_visible()  # nothing typed: it says what is missing
    results = axe_sync.Axe().run(page)
    bad = [(v["id"], v["impact"]) for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], bad
    assert page.js_errors == []
    page.context.close()
