"""Search results as CSV and JSON Lines, and the two citation formats, against the real index."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from service.routes.export import COLUMNS
from tests.conftest import EN_DOC

QUERY = {"q": "tarjetas de cruce", "k": 4}


def test_csv_rows_are_the_api_hits_in_order(client: TestClient) -> None:
    api = client.get("/api/search", params=QUERY).json()["hits"]
    res = client.get("/api/search.csv", params=QUERY)
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    assert res.content.startswith("\ufeff".encode())  # spreadsheets read the accents as UTF-8
    rows = list(csv.DictReader(io.StringIO(res.text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == COLUMNS
    assert [r["passage_id"] for r in rows] == [h["passage_id"] for h in api]
    for row, hit in zip(rows, api, strict=True):
        cit = hit["citation"]
        assert row["citation"] == cit["label"]
        assert (row["paragraph"], row["char_start"], row["char_end"]) == tuple(
            str(cit[k]) for k in ("paragraph", "char_start", "char_end")
        )
        assert row["text"] in (hit["text"], "'" + hit["text"])
    assert any("ñ" in r["text"] or "ó" in r["text"] for r in rows)


def test_jsonl_lines_are_the_api_hits_plus_a_citation_line(client: TestClient) -> None:
    api = client.get("/api/search", params={**QUERY, "doc_lang": "en"}).json()["hits"]
    res = client.get("/api/search.jsonl", params={**QUERY, "doc_lang": "en", "citation": "bibliography"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in res.text.splitlines()]
    assert [{k: v for k, v in line.items() if k != "citation_text"} for line in lines] == api
    first = lines[0]
    assert first["doc_id"] == EN_DOC
    bib = first["citation_text"]
    assert bib.startswith("XIX U.S.-Mexico Binational Commission: Working Group on Migration and Consular Affairs. ")
    assert "Mexico City" in bib and "26 Nov 2002" in bib and f"¶{first['citation']['paragraph']}" in bib
    assert bib.endswith(first["citation"]["source_url"] or first["citation"]["source"] + ".")


def test_exports_refuse_bad_input_with_the_same_codes(client: TestClient) -> None:
    res = client.get("/api/search.csv", params={"q": ""}, headers={"Accept-Language": "es"})
    assert res.status_code == 422 and res.json()["code"] == "query_empty"
    res = client.get("/api/search.jsonl", params={"q": "visa", "citation": "apa"})
    assert res.status_code == 422 and res.json()["code"] == "invalid_choice" and res.json()["field"] == "citation"


def test_cells_that_look_like_formulas_stay_text() -> None:
    from service.routes.export import safe_cell

    assert [safe_cell(v) for v in ("=SUM(A1)", "+1", "@x", "plain", 3)] == ["'=SUM(A1)", "'+1", "'@x", "plain", 3]
    hidden = (
        "\u200b=HYPERLINK(1)",
        "\ufeff+1",
        " \u2060@x",
        "\uff1dSUM(A1)",
        "\u3000\uff0b1",
    )  # invisible or full-width
    assert [safe_cell(v) for v in hidden] == [f"'{v}" for v in hidden]
    assert safe_cell("\u200bplain ＝ text") == "\u200bplain ＝ text"
