"""The staff pages in headless Chromium: copy a citation from a hit and the document view, export, go back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web import CHROMIUM, HOW_MANY, ask, base_url, browser, expect, page  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_every_hit_copies_its_citation_and_the_list_exports(page: Any) -> None:  # noqa: F811
    ask(page, HOW_MANY)
    hit = page.locator("#passages li.hit").nth(1)
    hit.locator(".copy-btn").click()
    copied = hit.locator(".copy-btn").get_attribute("data-copied")
    label = hit.get_attribute("data-passage-id")
    assert copied.startswith("“") and "\nSource: " in copied and label
    assert page.evaluate("() => navigator.clipboard.readText()") == copied
    csv = page.locator("#passages a.export-csv")
    href = csv.get_attribute("href")
    assert href.startswith("/api/search.csv?") and "q=How+many" in href
    response = page.request.get(href)
    assert (
        response.status == 200
        and "bnc-search-how-many-border-crossing-cards" in response.headers["content-disposition"]
    )
    assert page.locator("#passages a.export-jsonl").get_attribute("href").startswith("/api/search.jsonl?")


def test_document_view_copies_and_goes_back_to_the_same_search(page: Any) -> None:  # noqa: F811
    ask(page, HOW_MANY)
    page.locator("#passages li.hit h3 a").first.click()
    cited = page.locator(".para.cited")
    expect(cited).to_be_visible()
    cited.locator(".copy-btn").click()
    expect(cited.locator(".copy-note")).to_have_text("Citation copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("“") and "¶" in copied and "Source: Joint communiqué" in copied
    page.locator("#back").click()
    expect(page.locator("#q")).to_have_value(HOW_MANY)
    expect(page.locator("#passages li.hit").first).to_be_visible()
