"""Cross-language evidence: BM25 of the query's translation, and the query's BM25 and vector against the
passages' build-time translations (indexer.index.doc_mt, doc_mt_vectors).

Which searches gather it is fixed by the search's kind: one filtered to the query's own language gathers none;
one filtered to the other language gathers it unless the query's best lexical match there was lent by a twin
in the query's language (then that twin's own text is the evidence); an unfiltered one gathers it for the
passages with no aligned twin only (a twin lends its own evidence, and a machine translation's would add noise)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from indexer.retrieval.glossary import default_glossary
from indexer.retrieval.laps import Laps
from indexer.retrieval.querytrans import other_lang, translate_query
from indexer.retrieval.twins import propagate
from indexer.translate import Translator

if TYPE_CHECKING:
    from indexer.index.snapshot import IndexSnapshot
    from indexer.retrieval.stages import Candidates, RankingConfig, Reach

__all__ = ["doc_mt_bm25", "doc_mt_dense", "gathers", "lent_by_twin", "translated_bm25", "truly_cross"]

BM25_TRANSLATION = "full"  # the translated BM25 searches Apertium's full text (not only the target lemmas)


def lent_by_twin(out: Candidates) -> bool:
    """Whether the original query's best lexical evidence was lent by an aligned twin in the query's language."""
    if not out.lexical or not out.lent:
        return False
    best = max(out.lexical.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best in out.lent


def truly_cross(out: Candidates) -> bool:
    """Filtered to the other language, and the best lexical evidence is not lent by a twin in the query's."""
    return out.filters.doc_lang == other_lang(out.lang.lang) and not lent_by_twin(out)


def gathers(out: Candidates) -> bool:
    """Whether this search gathers cross-language evidence: unfiltered, or truly cross-language."""
    return out.filters.doc_lang is None or truly_cross(out)


def _kept(snapshot: IndexSnapshot, out: Candidates, in_target: dict[int, float]) -> dict[int, float]:
    """All of it in a truly cross-language search; elsewhere only the passages without an aligned twin."""
    if truly_cross(out):
        return in_target
    twins = snapshot.twins
    return {r: s for r, s in in_target.items() if not twins.get(r)}


def translated_bm25(
    snapshot: IndexSnapshot, config: RankingConfig, translator: Translator, out: Candidates, reach: Reach, laps: Laps
) -> None:
    """BM25 of the query's translation, analyzed as the other language, on passages in that language."""
    if not config.translate or not gathers(out):
        return
    target = other_lang(out.lang.lang)
    glossary = default_glossary() if config.glossary else None
    translation = translate_query(out.query, out.lang.lang, target, translator, glossary, BM25_TRANSLATION)
    laps.lap("translate")
    if translation is None or not translation.text:
        return
    out.translation = translation
    lexical, passages = snapshot.lexical, snapshot.passages
    raw = lexical.run(lexical.query(translation.text, (target,)), reach.depth, reach.docs)
    in_target = {r: s for r, s in raw if passages.lang(r) == target}
    out.translated, _ = propagate(snapshot, _kept(snapshot, out, in_target), reach.allowed, reach.hidden)
    laps.lap("bm25_translated")


def doc_mt_bm25(snapshot: IndexSnapshot, config: RankingConfig, out: Candidates, reach: Reach, laps: Laps) -> None:
    """BM25 of the original query, analyzed in its own language, over the machine translations into
    that language of the other language's passages (made at build time: no translator needed here)."""
    if not config.doc_mt or snapshot.doc_mt is None or not gathers(out):
        return
    target = other_lang(out.lang.lang)
    index, passages = snapshot.doc_mt, snapshot.passages
    raw = index.run(index.query(out.query, (out.lang.lang,)), reach.depth, reach.docs)
    in_target = {r: s for r, s in raw if passages.lang(r) == target}
    out.doc_mt, _ = propagate(snapshot, _kept(snapshot, out, in_target), reach.allowed, reach.hidden)
    laps.lap("bm25_doc_mt")


def doc_mt_dense(
    snapshot: IndexSnapshot, config: RankingConfig, qvec: np.ndarray, out: Candidates, reach: Reach, laps: Laps
) -> None:
    """The query's own vector against the dense vectors of the other language's passages' machine
    translations (made at build time: a second ANN search, no encoding here). Hybrid search only."""
    index = snapshot.doc_mt_vectors
    if not config.doc_mt or index is None or out.mode != "hybrid" or not gathers(out):
        return
    target, passages = other_lang(out.lang.lang), snapshot.passages
    # the rows the main dense search may reach, kept to the target language afterwards: selecting the
    # target language's rows up front would cost a pass over every row per search on a large archive
    raw = index.search(qvec, reach.depth, reach.rows)
    # an untranslated passage holds a zero vector: similarity exactly 0, not evidence
    in_target = {r: s for r, s in raw if s != 0.0 and passages.lang(r) == target}
    out.doc_mt_dense, _ = propagate(snapshot, _kept(snapshot, out, in_target), reach.allowed, reach.hidden)
    laps.lap("ann_doc_mt")
