"""Unofficial machine translations of hits the asker cannot read in their language (no twin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.retrieval.search import SearchResult
from indexer.translate import Translation, Translator

if TYPE_CHECKING:
    from indexer.index.doc_mt import StoredTexts

LABEL = {"en": "unofficial machine translation", "es": "traducción automática no oficial"}


def needs_translation(result: SearchResult) -> list[int]:
    """Indexes of the hits in the other language than the query's that have no aligned twin."""
    asker = result.lang.lang
    return [i for i, hit in enumerate(result.hits) if hit.passage.lang != asker and hit.twin is None]


def translate_hits(
    result: SearchResult, translator: Translator, stored: StoredTexts | None = None
) -> dict[str, Translation]:
    """passage id -> the passage in the asker's language (Apertium, full pipeline); hits with a twin
    or in the asker's language get none. `stored`: the snapshot's build-time translations, used
    first (the same full pipeline over the same text); without them and without Apertium, none."""
    out: dict[str, Translation] = {}
    for i in needs_translation(result):
        passage = result.hits[i].passage
        kept = stored.get(passage.passage_id) if stored is not None else None
        if kept is not None and kept[0] == result.lang.lang and kept[1]:
            out[passage.passage_id] = Translation(passage.lang, kept[0], kept[1], kept[2])
            continue
        translation = translator.translate(passage.text, passage.lang, result.lang.lang, kind="full")
        if translation is not None and translation.text:
            out[passage.passage_id] = translation
    return out
