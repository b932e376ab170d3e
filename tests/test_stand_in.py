"""Unfiltered search: translation evidence stands in for the query language's own evidence (hand-computed)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eval.refusion import retrieval_key
from indexer.retrieval.hybrid import fuse, fuse_lexical
from indexer.retrieval.querylang import QueryLanguage
from indexer.retrieval.stages import Candidates, FusionConfig, SearchFilters
from indexer.retrieval.stand_in import channel, combine
from indexer.translate import Translation

ON = FusionConfig(doc_mt_dense_mixed=1.0, doc_mt_bm25_mixed=1.0, translated_bm25_mixed=1.0)


def test_a_stand_in_lifts_a_row_to_its_own_score_never_above_the_best() -> None:
    original = {1: 1.0, 2: 0.3}
    assert channel(original, [({2: 0.8, 3: 0.5}, 1.0), ({2: 0.9}, 0.0)]) == {1: 1.0, 2: 0.8, 3: 0.5}
    assert channel(original, [({2: 0.8}, 0.25)]) == {1: 1.0, 2: 0.3}  # 0.2 < its own 0.3
    fused = combine((original, []), ({1: 0.5, 3: 1.0}, [({2: 1.0}, 0.5)]), (0.3, 0.7))
    assert fused == {1: pytest.approx(0.65), 2: pytest.approx(0.09 + 0.35), 3: pytest.approx(0.7)}


def _candidates(mode: str = "hybrid") -> Candidates:
    """An English query, unfiltered: row 1 is the English passage that matches, row 2 its Spanish
    twin (its evidence is the English one, lent), row 3 a Spanish-only passage whose translation matches
    as well as row 1 does, row 4 an English passage that matches a little."""
    out = Candidates("water treaty", QueryLanguage("en", 1.0, ("en",)), mode, 10, SearchFilters())
    out.lexical = {1: 10.0, 2: 10.0, 4: 2.0}
    out.lent = frozenset({2})
    out.translated = {2: 8.0, 3: 8.0}
    out.doc_mt = {2: 10.0, 3: 10.0}
    out.translation = Translation("en", "es", "tratado de aguas", 1.0)
    if mode == "hybrid":
        out.dense = {1: 0.9, 2: 0.8, 3: 0.8, 4: 0.7}
        out.doc_mt_dense = {2: 0.9, 3: 0.9}
    return out


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
def test_a_passage_in_both_languages_gathers_no_more_than_one_in_its_own(mode: str) -> None:
    candidates = _candidates(mode)

    def run(config: FusionConfig) -> dict[int, float]:
        return fuse(candidates, "weighted", config) if mode == "hybrid" else fuse_lexical(candidates, config)

    fused = run(ON)
    # the Spanish-only passage reaches the English one's score, and the twin adds nothing to it
    assert fused[3] == pytest.approx(fused[1]) and fused[2] == pytest.approx(fused[1])
    assert fused[4] < fused[3]
    old = run(replace(ON, mixed_combine="sum"))
    assert old[2] > old[1] and old[3] > old[1]  # summed, the translations outweigh the passage asked in English


def test_translated_lists_are_on_the_original_lists_scale() -> None:
    """A weak translated match (a fifth of the original's best BM25) is not stretched to full weight."""
    candidates = _candidates("bm25")
    candidates.translated, candidates.doc_mt = {3: 2.0}, {}
    for combine_with in ("max", "sum"):
        fused = fuse_lexical(candidates, replace(ON, mixed_combine=combine_with))
        # 2.0 is the original list's minimum: nothing above it
        assert fused.get(3, 0.0) == pytest.approx(0.0), combine_with


def test_only_whether_a_mixed_weight_is_zero_changes_what_is_retrieved() -> None:
    on = FusionConfig()
    assert on.mixed_combine == "max" and on.doc_mt_dense_mixed > 0
    for name in ("translated_bm25_mixed", "doc_mt_bm25_mixed", "doc_mt_dense_mixed"):
        assert retrieval_key(replace(on, **{name: 0.5})) == retrieval_key(on), name
        assert retrieval_key(replace(on, **{name: 0.0})) != retrieval_key(on), name
    assert retrieval_key(replace(on, mixed_combine="sum")) == retrieval_key(on)
