"""The pairs.jsonl rows of a build: given translation links aligned (or kept), detected ones found (or kept)."""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.index.align import translation_pairs
from indexer.index.pairing import RULES, Reuse, Translations, link_rows
from indexer.index.previous import Changes, Previous, record_digest
from indexer.types import Document, Passage


def link_reuse(
    documents: list[Document],
    prev: Previous,
    changes: Changes,
    superseded: set[str],
    translator: dict[str, Any] | None = None,
) -> Reuse | None:
    """The last build's detected links can stand when this build only adds documents.

    A change, a removal, a new revision or an edited record can bring two unchanged documents
    into candidacy that were never aligned (indexer.index.pairing), so those builds detect afresh;
    so does the first build under new detection rules, which may pair documents the old ones left
    alone, or with another machine translator (or none) than the one whose translations the last
    build weighed (`translator`: indexer.index.doc_mt's identity of this build's, None without)."""
    if not prev.same_encoder or prev.pairing_rules != RULES or superseded != prev.superseded:
        return None
    if prev.pairing_translator != translator:
        return None
    if changes.changed or changes.removed:
        return None
    added = set(changes.added)
    if any(prev.records.get(d.doc_id) != record_digest(d) for d in documents if d.doc_id not in added):
        return None
    return Reuse(prev.pairs, added)


def pair_rows_for(
    documents: list[Document],
    passages: list[Passage],
    vectors: np.ndarray,
    prev: Previous,
    changes: Changes,
    superseded: set[str],
    translations: Translations | None = None,
    translator: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Reuse the previous alignment of untouched translation pairs; align the others afresh.

    `translations` (a passage id's machine translation) and their `translator`: the build's
    doc_mt output, which detection weighs for short documents (indexer.index.pairing)."""
    touched = set(changes.added) | set(changes.changed)
    live = {p.passage_id: p.doc_id for p in passages}
    kept: dict[frozenset[str], list[dict[str, Any]]] = {}
    for pair in prev.pairs:
        docs = frozenset((live.get(pair["a"]), live.get(pair["b"])))
        if None not in docs and not docs & touched:
            kept.setdefault(docs, []).append(pair)  # type: ignore[arg-type]
    out: list[dict[str, Any]] = []
    fresh: list[Document] = []
    for doc in documents:
        if not doc.translation_of:
            continue
        key = frozenset((doc.doc_id, doc.translation_of))
        if key in kept:
            out.extend(kept[key])
        else:
            fresh.append(doc)
    out.extend(
        {"a": passages[a].passage_id, "b": passages[b].passage_id, "sim": s}
        for a, b, s in translation_pairs(fresh, passages, vectors)
    )
    # pairs of documents naming none (indexer.index.pairing); an older version's translation is the latest's
    reuse = link_reuse(documents, prev, changes, superseded, translator)
    out.extend(link_rows(documents, passages, vectors, superseded, reuse, translations))
    return out
