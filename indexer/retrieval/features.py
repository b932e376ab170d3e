"""Ranking features: each piece of evidence about a candidate passage as one named number, computed one way.

Every retriever's list is read here and nowhere else for the learned ranker (indexer.retrieval.ranker):
- lexical lists (BM25 of the query, of its translation, over the passages' translations) are divided by
  the best score in the query's own list, so a feature is "how close to this query's best match" and does
  not depend on how deep the retrievers went;
- dense scores are cosines, comparable across queries as they are;
- the rest are indicators: the passage's language against the query's, evidence lent by a twin,
  the document of a date, meeting or place the question names; that one also times the best-sentence cosine
  (date_sentence), so a named date counts by how well the passage's body answers the question.
What differs between a same-language, a cross-language and an unfiltered search is the search's
kind (`search_kind`); the model holds one weight vector per kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from indexer.index.snapshot import IndexSnapshot
    from indexer.retrieval.stages import Candidates

FEATURES: tuple[str, ...] = (
    "bm25",  # the query's BM25 (a twin's, when lent) over the best among the candidates
    "bm25_lending",  # the same BM25 over the query language's best BM25 in the whole index (1 when unknown)
    "bm25_other",  # bm25 on a passage in the other language that no twin lent: names, numbers, cognates
    "lent",  # 1 when the lexical score was lent by an aligned twin
    "translated",  # BM25 of the query's machine translation over its best, times the share of words it knew
    "doc_mt",  # BM25 of the query over the passage's machine translation, over its best
    "dense",  # cosine of the query's vector and the passage's (a twin's, when lent)
    "dense_other",  # dense on a passage in the other language: cross-language cosines run lower for the same relation
    "doc_mt_dense",  # cosine with the vector of the passage's machine translation (0 when not retrieved)
    "sentence",  # the passage's best sentence cosine (0 when the snapshot has no sentence table)
    "same_lang",  # 1 when the passage is in the query's language
    "date",  # 1 when the document has the date, meeting or place the question asks about (0 when only context)
    "date_sentence",  # date times sentence: the named meeting's document, on topic
)
KINDS: tuple[str, ...] = ("same", "across", "mixed")


def search_kind(candidates: Candidates) -> str:
    """ "mixed": no language filter; "across": filtered to the other language; "same": to the query's."""
    doc_lang = candidates.filters.doc_lang
    if doc_lang is None:
        return "mixed"
    return "same" if doc_lang == candidates.lang.lang else "across"


def candidate_rows(candidates: Candidates) -> list[int]:
    """Every row any retriever returned, in a fixed order."""
    seen: dict[int, None] = {}
    for scores in (
        candidates.lexical,
        candidates.dense,
        candidates.extra,
        candidates.translated,
        candidates.doc_mt,
        candidates.doc_mt_dense,
    ):
        seen.update(dict.fromkeys(scores))
    return sorted(seen)


def _column(rows: np.ndarray, scores: Mapping[int, float]) -> np.ndarray:
    """Each row's score, 0 where `scores` has none; `rows` sorted and holding every key (`candidate_rows`)."""
    out = np.zeros(len(rows))
    out[np.searchsorted(rows, np.fromiter(scores, np.int64, len(scores)))] = np.fromiter(scores.values(), float)
    return out


def _relative(rows: np.ndarray, scores: Mapping[int, float], top: float = 0.0) -> np.ndarray:
    """Each score over the best of the list (or `top`, when higher); 0 for rows the list lacks."""
    best = max(top, max(scores.values(), default=0.0))
    return np.maximum(_column(rows, scores), 0.0) / best if best > 0 else np.zeros(len(rows))


def feature_matrix(candidates: Candidates, snapshot: IndexSnapshot, rows: list[int]) -> np.ndarray:
    """rows (`candidate_rows(candidates)`) x FEATURES for one query's candidates."""
    passages, at = snapshot.passages, np.asarray(rows, dtype=np.int64)
    qlang = candidates.lang.lang
    bm25 = _relative(at, candidates.lexical)
    lending = _relative(at, candidates.lexical, candidates.lexical_top)
    same = passages.in_lang(at, qlang).astype(np.float64)
    lent = np.array([r in candidates.lent for r in rows], dtype=np.float64)
    known = candidates.translation.known if candidates.translation is not None else 0.0
    dense = _column(at, {**candidates.dense, **candidates.extra})
    date_value = 0.0 if getattr(candidates.understood, "context", False) else 1.0  # context prefers nothing
    preferred, doc_id = candidates.preferred, passages.doc_id
    date = np.array([date_value * bool(preferred and doc_id(r) in preferred) for r in rows], dtype=np.float64)
    sentence = _column(at, candidates.sentence)
    columns = {
        "bm25": bm25,
        "bm25_lending": lending,
        "bm25_other": bm25 * (1.0 - same) * (1.0 - lent),
        "lent": lent,
        "translated": _relative(at, candidates.translated) * known,
        "doc_mt": _relative(at, candidates.doc_mt),
        "dense": dense,
        "dense_other": dense * (1.0 - same),
        "doc_mt_dense": _column(at, candidates.doc_mt_dense),
        "sentence": sentence,
        "same_lang": same,
        "date": date,
        "date_sentence": date * sentence,
    }
    return np.stack([columns[name] for name in FEATURES], axis=1) if rows else np.zeros((0, len(FEATURES)))
