"""Embedding cache keyed by (encoder id, passage text hash): no passage is encoded twice."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexer.encoders import Encoder, Progress


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS emb (encoder TEXT, key TEXT, vec BLOB, PRIMARY KEY (encoder, key))"
        )

    def close(self) -> None:
        self._db.close()

    def get_many(self, encoder_id: str, keys: Sequence[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, vec FROM emb WHERE encoder = ? AND key IN ({marks})", (encoder_id, *chunk)
            )
            for key, blob in rows:
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape[0] == dim:
                    found[key] = vec
        return found

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM emb").fetchone()[0])

    def put_many(self, encoder_id: str, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO emb (encoder, key, vec) VALUES (?, ?, ?)",
                [(encoder_id, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )


COMMIT_EVERY = 32  # passages encoded between cache commits: a killed build loses at most this many


def encode_with_cache(
    encoder: Encoder,
    texts: Sequence[str],
    cache: EmbeddingCache | None,
    progress: Progress | None = None,
    known: dict[str, np.ndarray] | None = None,
    read_cache: bool = True,
    commit_every: int = COMMIT_EVERY,
) -> tuple[np.ndarray, int]:
    """Vectors for `texts` in order, encoding only what `known` and the cache lack.

    Returns (vectors, number encoded). `known` maps text_key -> vector (e.g. the previous
    snapshot's vectors); with read_cache=False everything not in `known` is encoded afresh.
    Fresh vectors are committed to the cache every `commit_every` passages, so a build that is
    killed or cancelled resumes from there instead of from the start.
    """
    keys = [text_key(t) for t in texts]
    known = dict(known or {})
    lacking = [k for k in keys if k not in known]
    if cache and read_cache and lacking:
        known.update(cache.get_many(encoder.id, lacking, encoder.dim))
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in known:
            missing.setdefault(key, text)
    if progress and known:
        progress(sum(1 for k in keys if k in known))
    todo = list(missing.items())
    # longest texts cost most; chunking by length keeps padding low inside each encoder batch
    todo.sort(key=lambda kv: len(kv[1]))
    for i in range(0, len(todo), max(commit_every, 1)):
        chunk = todo[i : i + max(commit_every, 1)]
        vecs = encoder.encode_passages([text for _, text in chunk], progress=progress)
        fresh = {key: vec for (key, _), vec in zip(chunk, vecs, strict=True)}
        if cache:
            cache.put_many(encoder.id, fresh)
        known.update(fresh)
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = known[key]
    return out, len(missing)
