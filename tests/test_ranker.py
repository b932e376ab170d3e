"""The learned ranker: features from a real retrieval, the model file, and the training loss."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.train_ranker import Group, fit, loss_and_grad, mrr_at_10
from indexer.retrieval.features import FEATURES, KINDS, candidate_rows, feature_matrix, search_kind
from indexer.retrieval.ranker import LinearRanker, RankerError, load_ranker
from indexer.retrieval.search import Searcher, SearchFilters


def test_features_of_a_real_retrieval(searcher: Searcher) -> None:
    cands = searcher.retrieve("Border Crossing Card replacement program", 10, "hybrid", "en")
    rows = candidate_rows(cands)
    x = feature_matrix(cands, searcher.snapshot, rows)
    assert x.shape == (len(rows), len(FEATURES)) and len(rows) > 5
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert col["bm25"].max() == pytest.approx(1.0)  # the query's best BM25 match
    assert col["bm25"].min() >= 0.0
    assert list(col["dense_other"]) == [d * (1.0 - s) for d, s in zip(col["dense"], col["same_lang"], strict=True)]
    langs = [searcher.snapshot.passages.lang(r) for r in rows]
    assert list(col["same_lang"]) == [float(lg == "en") for lg in langs]
    # BM25 found on a Spanish passage that no twin lent is "other-language" evidence
    assert (col["bm25_other"] <= col["bm25"] + 1e-12).all()
    assert search_kind(cands) == "mixed"
    across = searcher.retrieve("Border Crossing Card", 10, "hybrid", "en", SearchFilters(doc_lang="es"))
    assert search_kind(across) == "across"


def test_the_named_date_is_weighed_with_the_passages_best_sentence(searcher: Searcher) -> None:
    """date_sentence is the date indicator times the best-sentence cosine: 0 off the named meeting's document."""
    cands = searcher.retrieve("What did the delegations agree in November 2002?", 10, "hybrid", "en")
    rows = candidate_rows(cands)
    x = feature_matrix(cands, searcher.snapshot, rows)
    col = {name: x[:, i] for i, name in enumerate(FEATURES)}
    assert cands.preferred and col["date"].max() == 1.0
    assert list(col["date_sentence"]) == [d * s for d, s in zip(col["date"], col["sentence"], strict=True)]
    assert (col["date_sentence"][col["date"] == 0] == 0).all() and col["date_sentence"].max() > 0.5


def test_learned_fusion_ranks_with_the_model_file(searcher: Searcher, tmp_path: Path) -> None:
    result = searcher.search("¿Cuándo terminó el programa de reemplazo de tarjetas?", k=5, fusion_method="learned")
    assert result.hits and result.fusion == "learned"
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    model = load_ranker()
    data = model.to_dict()
    assert data["features"] == list(FEATURES) and set(data["weights"]) == set(KINDS)
    bad = tmp_path / "ranker.json"
    bad.write_text(json.dumps({**data, "features": ["bm25"]}))
    with pytest.raises(RankerError):
        load_ranker(bad)


def test_a_model_that_only_weighs_bm25_ranks_by_bm25(searcher: Searcher) -> None:
    only = np.zeros(len(FEATURES))
    only[FEATURES.index("bm25")] = 1.0
    model = LinearRanker(dict.fromkeys(KINDS, only), {})
    cands = searcher.retrieve("laser visa border crossing cards", 10, "hybrid", "en")
    scores = model.score(cands, searcher.snapshot)
    best = max(cands.lexical, key=lambda r: cands.lexical[r])
    assert max(scores, key=lambda r: scores[r]) == best


def _groups(rng: np.random.Generator, n: int) -> list[Group]:
    """Synthetic queries where the relevant row has the highest first feature."""
    out = []
    for _ in range(n):
        x = rng.normal(size=(8, len(FEATURES)))
        y = np.zeros(8)
        y[int(np.argmax(x[:, 0]))] = 1.0
        out.append(Group("synthetic", "en-en", "same", x, y))
    return out


def test_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    groups = _groups(rng, 5)
    w = rng.normal(size=len(KINDS) * len(FEATURES)) * 0.1
    weights = [0.2] * len(groups)
    _, grad = loss_and_grad(w, groups, weights)
    eps = 1e-6
    for i in (0, 3, len(FEATURES) + 1):
        step = np.zeros_like(w)
        step[i] = eps
        up, down = loss_and_grad(w + step, groups, weights)[0], loss_and_grad(w - step, groups, weights)[0]
        numeric = (up - down) / (2 * eps)
        assert grad[i] == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_fit_learns_the_feature_that_decides() -> None:
    rng = np.random.default_rng(1)
    groups = _groups(rng, 200)
    model = fit(groups)
    assert int(np.argmax(model["same"])) == 0
    assert mrr_at_10(groups, model) > 0.9


def test_in_lang_reads_the_language_column_for_many_rows(searcher: Searcher) -> None:
    passages = searcher.snapshot.passages
    rows = np.arange(len(passages))
    for lang in ("en", "es"):
        assert passages.in_lang(rows, lang).tolist() == [passages.lang(int(r)) == lang for r in rows]
    assert not passages.in_lang(rows, "fr").any()
    assert passages.in_lang(np.zeros(0, dtype=np.int64), "en").shape == (0,)
