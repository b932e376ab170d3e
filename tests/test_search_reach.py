"""Where a filtered search may look is worked out once per filter and depth, and never shared across filters."""

from __future__ import annotations

from indexer.retrieval.search import Searcher, SearchFilters


def test_the_same_filters_reuse_one_reach_and_other_filters_get_their_own(searcher: Searcher) -> None:
    spanish, english = SearchFilters(doc_lang="es"), SearchFilters(doc_lang="en")
    first = searcher._reach(spanish, 100)
    assert searcher._reach(spanish, 100) is first
    other = searcher._reach(english, 100)
    assert other is not first and other.allowed != first.allowed
    assert first.allowed == {d.doc_id for d in searcher.snapshot.documents.values() if d.lang == "es"}
    assert searcher._reach(spanish, 200).depth == 200


def test_a_remembered_reach_gives_the_same_hits_as_a_fresh_one(searcher: Searcher) -> None:
    query, filters = "border crossing cards", SearchFilters(doc_lang="es")
    warm = [h.passage.passage_id for h in searcher.search(query, k=5, filters=filters).hits]
    fresh = Searcher(searcher.snapshot, searcher.encoder)
    assert [h.passage.passage_id for h in fresh.search(query, k=5, filters=filters).hits] == warm
    assert all(h.passage.lang == "es" for h in fresh.search(query, k=5, filters=filters).hits)


def test_the_memo_stays_small_whatever_the_filters(searcher: Searcher) -> None:
    fresh = Searcher(searcher.snapshot, searcher.encoder)
    for year in range(1900, 2000):
        fresh._reach(SearchFilters(date_from=f"{year}-01-01"), 100)
    assert len(fresh._reaches) <= 64
