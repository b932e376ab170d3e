"""Unofficial machine translations of hits the asker cannot read in their language (no twin)."""

from __future__ import annotations

from indexer.retrieval.search import SearchResult
from indexer.retrieval.translate import Translation, Translator

LABEL = {"en": "unofficial machine translation", "es": "traducción automática no oficial"}


def needs_translation(result: SearchResult) -> list[int]:
    """Indexes of the hits in the other language than the query's that have no aligned twin."""
    asker = result.lang.lang
    return [i for i, hit in enumerate(result.hits) if hit.passage.lang != asker and hit.twin is None]


def translate_hits(result: SearchResult, translator: Translator) -> dict[str, Translation]:
    """passage id -> the passage in the asker's language (Apertium, full pipeline); hits with a twin
    or in the asker's language get none, and none at all without Apertium."""
    out: dict[str, Translation] = {}
    for i in needs_translation(result):
        passage = result.hits[i].passage
        translation = translator.translate(passage.text, passage.lang, result.lang.lang, kind="full")
        if translation is not None and translation.text:
            out[passage.passage_id] = translation
    return out
