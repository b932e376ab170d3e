"""OCR results kept on disk, so a scanned page is read by Tesseract once, not on every start or build.

A corpus is re-read by each new process (`bnc index`, `bnc serve`); without this, every scanned
page of the archive goes through Tesseract again (seconds a page). Entries are keyed by the file's
bytes, the page and the settings that shape the text (models, resolutions, layout rules); each entry
names the Tesseract version that read it, so another version reads the page again, and a server
without Tesseract still serves the pages read before."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("bnc.ocr")


class OcrCache:
    """Page text by key; a cache that cannot be opened or written is skipped, never an error."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._failed = False

    def _conn(self) -> sqlite3.Connection | None:
        if self._db is None and not self._failed:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS pages"
                    " (key TEXT PRIMARY KEY, text TEXT, lang TEXT, confidence REAL, engine TEXT)"
                )
                db.commit()
                self._db = db
            except (sqlite3.Error, OSError) as exc:
                self._failed = True  # a read-only volume: OCR still works, uncached
                log.warning("OCR cache %s unavailable (%s); scanned pages are read again on each start", self.path, exc)
        return self._db

    def get(self, key: str) -> tuple[str, str, float, str] | None:
        """(text, language, confidence, the engine that read it)."""
        with self._lock:
            db = self._conn()
            if db is None:
                return None
            try:
                row = db.execute("SELECT text, lang, confidence, engine FROM pages WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
        return (str(row[0]), str(row[1]), float(row[2]), str(row[3])) if row else None

    def put(self, key: str, text: str, lang: str, confidence: float, engine: str) -> None:
        with self._lock:
            db = self._conn()
            if db is None:
                return
            try:
                db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", (key, text, lang, confidence, engine))
                db.commit()
            except sqlite3.Error as exc:
                log.warning("OCR cache %s not written (%s)", self.path, exc)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class PendingOcrCache(OcrCache):
    """Reads the cache, and keeps what would be written in `pending`: a reader process hands its
    pages back, and they are cached only when the whole file was read within its limits."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.pending: list[tuple[str, str, str, float, str]] = []

    def put(self, key: str, text: str, lang: str, confidence: float, engine: str) -> None:
        self.pending.append((key, text, lang, confidence, engine))


def page_key(data: bytes, page: int, signature: str) -> str:
    """The cache key of one page of one file under one OCR configuration."""
    return hashlib.sha256(b"%s\0%d\0%s" % (hashlib.sha256(data).digest(), page, signature.encode())).hexdigest()
