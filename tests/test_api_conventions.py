"""What tools expect of a search API: paging with total/next, compressed replies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.schemas import MAX_WINDOW


def test_pages_continue_one_ranking(client: TestClient) -> None:
    q = "border crossing cards"
    whole = client.get("/api/search", params={"q": q, "k": 6}).json()
    first = client.get("/api/search", params={"q": q, "k": 3}).json()
    second = client.get("/api/search", params={"q": q, "k": 3, "offset": first["next"]}).json()
    assert first["offset"] == 0 and first["next"] == 3 and first["total_relation"] == "gte"
    assert [h["passage_id"] for h in first["hits"] + second["hits"]] == [h["passage_id"] for h in whole["hits"]]
    assert [h["rank"] for h in second["hits"]] == [4, 5, 6]  # ranks count from the top, not the page
    assert second["offset"] == 3 and second["k"] == 3 and len(second["hits"]) == 3
    post = client.post("/api/search", json={"q": q, "k": 3, "offset": 3}).json()
    assert [h["passage_id"] for h in post["hits"]] == [h["passage_id"] for h in second["hits"]]


def test_the_last_page_says_so(client: TestClient) -> None:
    # a filter to one document leaves fewer passages than the window: the count is exact, no next page
    doc = client.get("/api/documents").json()["documents"][0]["doc_id"]
    r = client.get("/api/search", params={"q": "commission", "k": 100, "doc_ids": doc, "mode": "bm25"}).json()
    assert r["next"] is None and r["total_relation"] == "eq" and r["total"] == len(r["hits"])
    past = client.get("/api/search", params={"q": "commission", "k": 5, "offset": 150, "doc_ids": doc}).json()
    assert past["hits"] == [] and past["next"] is None and past["total_relation"] == "eq"


def test_paging_past_the_window_is_a_coded_422(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "border", "k": 20, "offset": MAX_WINDOW - 10})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "page_out_of_range" and body["field"] == "offset" and str(MAX_WINDOW) in body["detail"]
    r = client.get("/api/search", params={"q": "border", "offset": -1})
    assert r.status_code == 422 and r.json()["code"] == "page_out_of_range"


def test_large_replies_are_gzipped_when_accepted(client: TestClient) -> None:
    params = {"q": "border crossing cards", "k": 20}
    r = client.get("/api/search", params=params, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(r.content) / 3  # the wire carries a fraction of the JSON
    plain = client.get("/api/search", params=params, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json()["hits"]
    # the exports stream through the same middleware
    csv = client.get("/api/search.csv", params=params, headers={"Accept-Encoding": "gzip"})
    assert csv.headers["content-encoding"] == "gzip" and csv.text.lstrip("\ufeff").startswith("rank,")
    raw = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in raw.headers  # small replies stay as they are
