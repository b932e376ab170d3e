"""Dense vectors of the passages' machine translations (indexer.index.doc_mt): a second vector index in the snapshot.

Row r holds the passage-side vector of passage r's translation into the other language, so a
query's own vector finds, among the other language's passages, those whose translation reads like
it: cross-language dense evidence with no encoding at query time (indexer.retrieval.crosslang).
A passage without a translation holds a zero vector (similarity 0, never retrieved). The vectors
come through the embedding cache, keyed by text, so rebuilds and incremental adds encode only new
translations; an add-only build extends the previous HNSW graph like the main index does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from indexer.encoders import Encoder
from indexer.index import doc_mt
from indexer.index import snapshot_files as snap
from indexer.index.embcache import EmbeddingCache, encode_with_cache, text_key
from indexer.index.previous import Previous, extended_vectors
from indexer.index.vectors import VectorIndex, build_vectors, index_kind
from indexer.types import Passage

DIR = "doc_mt_vectors"  # its own folder: a VectorIndex keeps its id order (vectors.ORDER) next to the index
INDEX = f"{DIR}/vectors.faiss"
FORMAT = {"rows": "passages", "text": "doc_mt", "untranslated": "zero vector"}


def _translations(staging: Path) -> dict[str, str]:
    if not (staging / doc_mt.FILE).is_file():
        return {}
    return {r["pid"]: r["text"] for r in snap.iter_jsonl(staging / doc_mt.FILE)}


def _entry(snapshot: Path | None) -> dict[str, Any]:
    if snapshot is None:
        return {}
    try:
        return dict(snap.read_manifest(snapshot, verify=False).get("doc_mt_vectors") or {})
    except snap.SnapshotError:
        return {}


def load(snapshot: Path, manifest: dict[str, Any], passages: int) -> VectorIndex | None:
    """The snapshot's translation vectors, or None when it was built without them (or they do not fit)."""
    entry = manifest.get("doc_mt_vectors") or {}
    path = snapshot / str(entry.get("index"))
    if not entry.get("available") or entry.get("format") != FORMAT or not path.is_file():
        return None
    index = VectorIndex.load(path)
    if index.size != passages:
        raise snap.SnapshotError(f"{path}: {index.size} translation vectors for {passages} passages")
    return index


def build_doc_mt_vectors(
    passages: Sequence[Passage],
    staging: Path,
    prev: Previous,
    encoder: Encoder,
    cache_path: Path,
    *,
    enabled: bool = True,
    full: bool = False,
    exact_max: int,
    only_added: bool,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Encode the staged translations (doc_mt.FILE) as passages into INDEX; return the manifest entry.

    Nothing is written when `enabled` is False or the build has no translations (no Apertium)."""
    if not enabled:
        return {"available": False, "reason": "off"}
    by_pid = _translations(staging)
    if not by_pid:
        return {"available": False, "reason": "no passage translations"}
    started = time.perf_counter()
    todo = [i for i, p in enumerate(passages) if by_pid.get(p.passage_id)]
    texts = [by_pid[passages[i].passage_id] for i in todo]
    served: VectorIndex | None = None
    known: dict[str, np.ndarray] = {}
    if prev.path is not None and prev.same_encoder and _entry(prev.path).get("format") == FORMAT:
        served = load(prev.path, snap.read_manifest(prev.path, verify=False), len(prev.passage_ids))
        if served is not None and not full:
            old = _translations(prev.path)
            vectors = served.vectors()
            order = [p.passage_id for ps in prev.passages.values() for p in ps]
            known = {text_key(old[pid]): vectors[r] for r, pid in enumerate(order) if old.get(pid)}
    cache = EmbeddingCache(cache_path)
    try:
        encoded_vecs, encoded = encode_with_cache(encoder, texts, cache, progress, known=known, read_cache=not full)
    finally:
        cache.close()
    vectors = np.zeros((len(passages), encoder.dim), dtype=np.float32)
    if todo:
        vectors[np.array(todo, dtype=np.int64)] = encoded_vecs
    shadow = replace(prev, vector_index=served)  # the in-place extension of the served graph, applied to this index
    extended = extended_vectors(shadow, list(passages), vectors, exact_max, only_added)
    vindex = extended or VectorIndex(build_vectors(vectors, exact_max))
    (staging / DIR).mkdir(parents=True, exist_ok=True)
    vindex.save(staging / INDEX)
    return {
        "available": True,
        "format": FORMAT,
        "index": INDEX,
        "kind": index_kind(vindex.index),
        "exact_max": exact_max,
        "passages": len(todo),
        "encoded": encoded,
        "extended": extended is not None,
        "seconds": round(time.perf_counter() - started, 3),
    }
