"""Sentence-level dense evidence: each candidate's best sentence similarity, from the snapshot's sentence table."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from eval.refusion import retrieval_key
from eval.tune import Candidate, sentence_stage
from indexer.retrieval.search import FusionConfig, Searcher, SearchFilters
from indexer.retrieval.sentence_evidence import best_sentence

QUERY = "What did the delegations agree on consular notification?"
OFF = FusionConfig(sentence_dense=0.0, sentence_dense_mixed=0.0)


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


def test_every_hybrid_search_computes_it_and_weighted_fusion_at_0_ignores_it(searcher: Searcher) -> None:
    snapshot, encoder = searcher.snapshot, searcher.encoder
    off = Searcher(snapshot, encoder, OFF)
    cands = off.retrieve(QUERY, k=10, lang="en")
    assert cands.sentence and set(cands.sentence) == set(cands.dense) | set(cands.extra)  # the ranker's feature
    # bm25 mode never computes it
    assert off.retrieve(QUERY, k=10, mode="bm25").sentence == {}
    # weighted fusion at weight 0 ranks as if it were absent
    absent = replace(cands, sentence={})
    assert off.rank(cands, 10, "weighted") == off.rank(absent, 10, "weighted")


def test_its_weight_moves_the_ranking_towards_the_best_sentence(searcher: Searcher) -> None:
    snapshot, encoder = searcher.snapshot, searcher.encoder
    heavy = Searcher(snapshot, encoder, replace(OFF, sentence_dense_mixed=50.0))
    candidates = heavy.retrieve(QUERY, k=10, lang="en", filters=SearchFilters(doc_lang="en"))
    ranked = heavy.rank(candidates, 10, "weighted")
    best = max(candidates.sentence.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    assert ranked[0][0] == best
    # at weight 0 the same evidence ranks exactly as a search without it
    plain = Searcher(snapshot, encoder, OFF).search(QUERY, lang="en", filters=SearchFilters(doc_lang="en"))
    zero = heavy.rank(candidates, 10, config=OFF)
    assert [r for r, _ in zero] == [snapshot.passages.passage_ids.index(h.passage.passage_id) for h in plain.hits]


def test_only_whether_its_weight_is_0_needs_another_retrieval() -> None:
    base = OFF
    assert retrieval_key(replace(base, sentence_dense=0.3)) == retrieval_key(replace(base, sentence_dense=2.0))
    assert retrieval_key(replace(base, sentence_dense=0.3)) != retrieval_key(base)
    on = replace(FusionConfig(), sentence_dense_mixed=1.0)
    assert retrieval_key(on) == retrieval_key(replace(on, sentence_dense_mixed=0.2))
    stage = sentence_stage([Candidate("hybrid-weighted", base), Candidate("hybrid-rrf", base)])
    assert stage and all(c.mode == "hybrid-weighted" for c in stage)
    keys = [retrieval_key(c.config) for c in stage]
    assert len(set(keys)) <= 3
    assert keys == sorted(keys, key=repr)  # grouped: one pass per key
    assert np.isfinite([c.config.sentence_dense for c in stage]).all()
