"""Citations staff can paste: no internal names, the meeting named once, exports named after the query."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from indexer.retrieval.citations import citation_label
from indexer.types import Document
from service.citation_format import bibliography
from service.routes.export import export_name

# what an internal file or build name looks like: a seed tag, a long hex digest
INTERNAL = re.compile(r"\b(seed|semilla)\b|[0-9a-f]{12,}", re.IGNORECASE)


def test_bundled_citations_name_no_internal_file(client: TestClient, docs_by_id: dict[str, Document]) -> None:
    for doc in docs_by_id.values():
        assert not INTERNAL.search(doc.source), doc.source
        cit = {"paragraph": 14, "source_url": doc.source_url, "source": doc.source}
        for text in (citation_label(doc, 14), bibliography(doc, cit)):
            assert not INTERNAL.search(text), text
    for line in client.get("/api/search.jsonl", params={"q": "consular", "citation": "bibliography"}).text.splitlines():
        assert not INTERNAL.search(line.split('"citation_text"')[-1])


def test_bibliography_names_the_meeting_once(docs_by_id: dict[str, Document]) -> None:
    for doc in docs_by_id.values():
        meeting = doc.meta["meeting"]
        line = bibliography(doc, {"paragraph": 3, "source_url": "", "source": doc.source})
        assert line.count(meeting) == 1, line
        assert doc.meta["place"] in line and "¶3" in line


def test_exports_are_named_after_the_query_and_the_day(client: TestClient) -> None:
    today = dt.date.today().isoformat()
    r = client.get("/api/search.csv", params={"q": "¿Cuántas tarjetas de cruce?", "k": 2})
    assert f'filename="bnc-search-cuantas-tarjetas-de-cruce-{today}.csv"' in r.headers["content-disposition"]
    r = client.get("/api/search.jsonl", params={"q": "Hague Convention", "k": 2})
    assert f'filename="bnc-search-hague-convention-{today}.jsonl"' in r.headers["content-disposition"]
    assert export_name("???", "csv", dt.date(2026, 1, 2)) == "bnc-search-results-2026-01-02.csv"
    assert len(export_name("x" * 500, "csv")) < 90


def test_an_unknown_document_page_is_a_404(client: TestClient) -> None:
    r = client.get("/documents/no-such-communique")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert client.get("/documents/bnc-xix-2002-migration-consular-en").status_code == 200
