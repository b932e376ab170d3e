"""Cross-language evidence: BM25 of the query's translation and of the query over the passages' translations; dense
(the translation's vector, or the query's vector against the passages' translations' vectors)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from indexer.retrieval.glossary import default_glossary
from indexer.retrieval.hybrid import lent_by_twin
from indexer.retrieval.laps import Laps
from indexer.retrieval.querytrans import other_lang, translate_query
from indexer.retrieval.twins import propagate
from indexer.translate import Translator

if TYPE_CHECKING:
    from indexer.index.snapshot import IndexSnapshot
    from indexer.retrieval.stages import Candidates, FusionConfig

__all__ = [
    "BM25_TRANSLATIONS",
    "DENSE_TRANSLATIONS",
    "doc_mt_bm25",
    "doc_mt_dense",
    "translated_bm25",
    "translated_dense",
    "truly_cross",
]

# FusionConfig.bm25_translation: what the translated BM25 searches (target lemmas, or the full MT text)
BM25_TRANSLATIONS: tuple[str, ...] = ("lexical", "full")
# FusionConfig.dense_translation: no dense side, or the full translation as a second dense query.
# (Encoding "query + translation" once instead of the query was measured and dropped: XQuAD dev
# unlinked: hybrid mean of en-es and es-en 0.966 at best against 0.975 without it.)
DENSE_TRANSLATIONS: tuple[str, ...] = ("off", "full")


def _reaches_target(out: Candidates, config: FusionConfig) -> bool:
    """Whether the search may reach passages in the other language (no language filter, or a filter on it)."""
    return config.translate and out.filters.doc_lang in (None, other_lang(out.lang.lang))


def _elsewhere(out: Candidates, weight: float) -> bool:
    """Whether evidence weighted `weight` outside truly cross-language searches is gathered: only for an
    unfiltered search. A search filtered to the other language whose evidence a twin lends has that
    twin's text already (XQuAD test linked en-es fell .982 -> .974 with the translations there)."""
    return bool(weight) and out.filters.doc_lang is None


def _stand_ins(snapshot: IndexSnapshot, out: Candidates, in_target: dict[int, float]) -> dict[int, float]:
    """Outside a truly cross-language search the translation evidence stands in for the query language's own
    (indexer.retrieval.stand_in): only passages without an aligned twin lack it. A twin lends its own evidence,
    and a stand-in from the machine translation would only add noise (above the original's best at a factor
    over 1: tests/test_live.py)."""
    if truly_cross(out):
        return in_target
    twins = snapshot.twins
    return {r: s for r, s in in_target.items() if not twins.get(r)}


def truly_cross(out: Candidates) -> bool:
    """Filtered to the other language, and the best lexical evidence is not lent by a twin in the query's."""
    target = other_lang(out.lang.lang)
    return out.filters.doc_lang == target and not lent_by_twin(out)


def translated_bm25(
    snapshot: IndexSnapshot,
    config: FusionConfig,
    translator: Translator,
    out: Candidates,
    depth: int,
    search_docs: list[str] | None,
    allowed: set[str] | None,
    hidden: set[str],
    laps: Laps,
) -> None:
    """BM25 of the query's translation, analyzed as the other language, on passages in that
    language: when the search may reach them (no language filter, or a filter on that language)."""
    if not _reaches_target(out, config):
        return
    if not truly_cross(out) and not _elsewhere(out, config.translated_bm25_mixed):
        return  # its evidence would weigh nothing: spare the translation
    target = other_lang(out.lang.lang)
    glossary = default_glossary() if config.glossary else None
    kind = "alternatives" if config.translate_alternatives else config.bm25_translation
    translation = translate_query(out.query, out.lang.lang, target, translator, glossary, kind)
    laps.lap("translate")
    if translation is None or not translation.text:
        return
    out.translation = translation
    lexical, passages = snapshot.lexical, snapshot.passages
    raw = lexical.run(lexical.query(translation.text, (target,)), depth, search_docs)
    in_target = {r: s for r, s in raw if passages.lang(r) == target}
    in_target = _stand_ins(snapshot, out, in_target)
    out.translated, _ = propagate(snapshot, in_target, allowed, hidden)
    laps.lap("bm25_translated")


def _full_translation(config: FusionConfig, translator: Translator, out: Candidates) -> str | None:
    """The readable (full Apertium) translation of the query, glossary forms included; None without one."""
    target = other_lang(out.lang.lang)
    glossary = default_glossary() if config.glossary else None
    translation = translate_query(out.query, out.lang.lang, target, translator, glossary, "full")
    return translation.text if translation is not None and translation.text else None


def translated_dense(
    snapshot: IndexSnapshot,
    config: FusionConfig,
    translator: Translator,
    encode: Callable[[str], np.ndarray],
    out: Candidates,
    depth: int,
    search_rows: list[int] | None,
    allowed: set[str] | None,
    hidden: set[str],
    laps: Laps,
) -> np.ndarray | None:
    """Dense retrieval with the full translation's vector (dense_translation "full"), truly cross-language
    searches only: a second encoding, so off by default. Returns the vector."""
    if config.dense_translation != "full" or not _reaches_target(out, config):
        return None
    if not truly_cross(out):
        return None
    text = _full_translation(config, translator, out)
    laps.lap("translate_full")
    if text is None:
        return None
    vec = encode(text)
    laps.lap("encode_translated")
    target, passages = other_lang(out.lang.lang), snapshot.passages
    raw = snapshot.vectors.search(vec, depth, search_rows)
    in_target = {r: s for r, s in raw if passages.lang(r) == target}
    out.dense_translated, _ = propagate(snapshot, in_target, allowed, hidden)
    laps.lap("ann_translated")
    return vec


def doc_mt_bm25(
    snapshot: IndexSnapshot,
    config: FusionConfig,
    out: Candidates,
    depth: int,
    search_docs: list[str] | None,
    allowed: set[str] | None,
    hidden: set[str],
    laps: Laps,
) -> None:
    """BM25 of the original query, analyzed in its own language, over the machine translations into
    that language of the other language's passages (made at build time: no translator needed here)."""
    target = other_lang(out.lang.lang)
    if not config.doc_mt or snapshot.doc_mt is None or out.filters.doc_lang not in (None, target):
        return
    if not truly_cross(out) and not _elsewhere(out, config.doc_mt_bm25_mixed):
        return
    index, passages = snapshot.doc_mt, snapshot.passages
    raw = index.run(index.query(out.query, (out.lang.lang,)), depth, search_docs)
    in_target = {r: s for r, s in raw if passages.lang(r) == target}
    in_target = _stand_ins(snapshot, out, in_target)
    out.doc_mt, _ = propagate(snapshot, in_target, allowed, hidden)
    laps.lap("bm25_doc_mt")


def doc_mt_dense(
    snapshot: IndexSnapshot,
    config: FusionConfig,
    qvec: np.ndarray,
    out: Candidates,
    depth: int,
    search_rows: list[int] | None,
    allowed: set[str] | None,
    hidden: set[str],
    laps: Laps,
) -> None:
    """The query's own vector against the dense vectors of the other language's passages' machine
    translations (made at build time: a second ANN search, no encoding here). Hybrid search only."""
    target = other_lang(out.lang.lang)
    index = snapshot.doc_mt_vectors
    if index is None or out.mode != "hybrid" or out.filters.doc_lang not in (None, target):
        return
    if not (config.doc_mt_dense if truly_cross(out) else _elsewhere(out, config.doc_mt_dense_mixed)):
        return  # its evidence would weigh nothing: spare the search
    passages = snapshot.passages
    # the rows the main dense search may reach, kept to the target language afterwards: selecting the
    # target language's rows up front would cost a pass over every row per search on a large archive
    raw = index.search(qvec, depth, search_rows)
    # an untranslated passage holds a zero vector: similarity exactly 0, not evidence
    in_target = {r: s for r, s in raw if s != 0.0 and passages.lang(r) == target}
    in_target = _stand_ins(snapshot, out, in_target)
    out.doc_mt_dense, _ = propagate(snapshot, in_target, allowed, hidden)
    laps.lap("ann_doc_mt")
