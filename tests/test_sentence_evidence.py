"""Sentence-level dense evidence: each candidate's best sentence similarity, from the snapshot's sentence table."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from indexer.retrieval.features import FEATURES, KINDS
from indexer.retrieval.ranker import LinearRanker
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters
from indexer.retrieval.sentence_evidence import best_sentence

QUERY = "What did the delegations agree on consular notification?"


def test_best_sentence_is_the_max_over_each_passages_sentences(searcher: Searcher) -> None:
    table = searcher.snapshot.sentences
    assert table is not None and len(table)
    qvec = searcher.query_vector(QUERY)
    rows = [*range(0, len(searcher.snapshot.passages), 3), 0, 0]
    got = best_sentence(table, qvec, rows)
    for row in set(rows):
        _, vectors = table.of_row(row)
        if not len(vectors):
            assert row not in got
            continue
        assert abs(got[row] - float((vectors @ qvec).max())) < 1e-5
    assert best_sentence(table, qvec, []) == {}
    assert best_sentence(table, qvec, [len(searcher.snapshot.passages) + 5]) == {}


def test_every_hybrid_search_computes_it_and_rrf_ignores_it(searcher: Searcher) -> None:
    cands = searcher.retrieve(QUERY, k=10, lang="en")
    assert cands.sentence and set(cands.sentence) == set(cands.dense) | set(cands.extra)  # the ranker's feature
    # bm25 mode never computes it
    assert searcher.retrieve(QUERY, k=10, mode="bm25").sentence == {}
    assert searcher.rank(cands, 10, "rrf") == searcher.rank(replace(cands, sentence={}), 10, "rrf")


def test_a_model_that_weighs_only_it_ranks_the_best_sentence_first(searcher: Searcher, tmp_path: Path) -> None:
    only = np.zeros(len(FEATURES))
    only[FEATURES.index("sentence")] = 1.0
    model = tmp_path / "ranker.json"
    model.write_text(json.dumps(LinearRanker(dict.fromkeys(KINDS, only), {}).to_dict()))
    ranked = Searcher(searcher.snapshot, searcher.encoder, RankingConfig(model=model))
    candidates = ranked.retrieve(QUERY, k=10, lang="en", filters=SearchFilters(doc_lang="en"))
    best = max(candidates.sentence.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    assert ranked.rank(candidates, 10)[0][0] == best
