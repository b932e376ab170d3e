"""Documents' near-copy sketches kept on disk by checksum, so a new process hashes only the texts it has not seen.

Revision detection compares every document's sketch (indexer.ingest.shingles); within one process
they are memoised, but each `bnc index` is a new process and hashed the whole archive again
(about 7 s at 5,000 documents here). Keys carry the sketch format, so a change to the shingling
reads nothing stale."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from indexer.ingest.shingles import SAMPLE, SHINGLE

FORMAT = f"w{SHINGLE}-s{SAMPLE}-v1"


def sketch_key(sha256: str, lang: str) -> str:
    return f"{FORMAT}:{lang}:{sha256}"


class SketchCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS sketch (key TEXT PRIMARY KEY, hashes BLOB)")

    def close(self) -> None:
        self._db.close()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            rows = self._db.execute(
                f"SELECT key, hashes FROM sketch WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.uint64)
        return found

    def put_many(self, items: Mapping[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO sketch (key, hashes) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.uint64).tobytes()) for k, v in items.items()],
            )
