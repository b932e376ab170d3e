"""group=document: one hit per document, with the count and ids of its other passages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from indexer.retrieval.grouping import group_by_document
from indexer.retrieval.search import Searcher, SearchFilters


def test_group_by_document_keeps_the_best_passage_of_each_document() -> None:
    docs = {1: "a", 2: "a", 3: "b", 4: "a", 5: "c", 6: "b"}
    ranked = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6), (5, 0.5), (6, 0.4)]
    best, others = group_by_document(ranked, docs.__getitem__, 2)
    assert best == [(1, 0.9), (3, 0.7)]
    assert others == {1: [2, 4], 3: [6]}  # c falls outside the top 2 documents


def test_search_grouped_by_document(searcher: Searcher) -> None:
    filters = SearchFilters(doc_lang="en")
    flat = searcher.search("border crossing cards", k=5, filters=filters)
    grouped = searcher.search("border crossing cards", k=5, filters=filters, group="document")
    docs = [h.passage.doc_id for h in grouped.hits]
    assert len(docs) == len(set(docs))  # one hit per document
    assert grouped.hits[0].passage.passage_id == flat.hits[0].passage.passage_id
    lead = grouped.hits[0].passage.passage_id
    rest = grouped.others[lead]
    assert rest and all(searcher.snapshot.passages.doc_id(searcher.snapshot.rows[p]) == docs[0] for p in rest)
    flat_same_doc = [h.passage.passage_id for h in flat.hits[1:] if h.passage.doc_id == docs[0]]
    assert rest[: len(flat_same_doc)] == flat_same_doc  # the others, best first


def test_api_group_document(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "border crossing cards", "k": 3, "doc_lang": "en", "group": "document"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["group"] == "document"
    hits = body["hits"]
    assert len({h["doc_id"] for h in hits}) == len(hits)
    more = hits[0]["more_from_document"]
    assert more["count"] == len(more["passage_ids"]) > 0
    flat = client.get("/api/search", params={"q": "border crossing cards", "k": 3}).json()
    assert flat["group"] == "none" and all(h.get("more_from_document") is None for h in flat["hits"])
    assert client.get("/api/search", params={"q": "x", "group": "page"}).status_code == 422
