"""The serving engine: the encoder, the open snapshot, and hot swaps to a newer CURRENT."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from indexer.answers.answer import Answerer
from indexer.encoders import Encoder, load_encoder
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher
from service.config import Settings

log = logging.getLogger("bnc.engine")


class IndexUnavailable(RuntimeError):
    """No snapshot can be served yet."""


class Engine:
    """Holds one Searcher; a request keeps the Searcher it got even if a swap happens meanwhile."""

    def __init__(self, settings: Settings, encoder: Encoder | None = None) -> None:
        self.settings = settings
        self.index_dir = Path(settings.index)
        self._encoder = encoder
        self._searcher: Searcher | None = None
        self._answerer: Answerer | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None
        self._refused: str | None = None
        self._broken: str | None = None  # the state of a broken CURRENT already resolved
        self.degraded: str | None = None  # why the served snapshot is not simply what CURRENT names
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder(self.settings.encoder)
        return self._encoder

    def start(self) -> None:
        """Load the encoder and whatever snapshot is current; a missing index is not fatal."""
        self.encoder.encode_queries(["warm up"])
        self.reload()
        if self._searcher is not None:
            # the first search loads the language model, the glossary and the lexical readers:
            # pay that here rather than on a user's request
            self._searcher.search("warm up", k=1)
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="bnc-index-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)

    def _watch(self) -> None:
        # a new snapshot is opened here, off the request path (a million passages take seconds):
        # requests keep being answered from the current one until the swap
        while not self._stop.wait(max(self.settings.reload_interval_s, 0.05)):
            try:
                self.reload()
            except Exception:  # e.g. the index folder vanished: log it, and keep watching
                log.exception("checking %s for a new snapshot failed", self.index_dir)

    def reload(self) -> bool:
        """Open CURRENT if it names a new version; a bad snapshot is logged and skipped.

        A missing, empty or garbage CURRENT, or one naming a snapshot that is gone or does not
        verify while nothing serves yet, falls back to the newest snapshot that verifies and says
        so (log, /readyz, /api/index) until a build repairs CURRENT."""
        with self._lock:
            version, problem = snap.read_current(self.index_dir)
            if problem is None and version is not None and not self._loadable(version):
                problem = f"CURRENT names snapshot {version}, which does not exist or is incomplete"
            if problem is None and version is None and not retention.complete_snapshots(self.index_dir):
                return False  # no index yet: `bnc index` makes one
            if problem is None and version is not None:
                self._broken = None
                if self._searcher is not None and self._searcher.version == version:
                    self._note_degraded(None)
                    return False
                if version == self._refused:
                    return False  # refused once: wait for the next build instead of retrying each tick
                if self._open(version):
                    self._note_degraded(None)
                    return True
                if self._searcher is not None:
                    return False  # the previous good snapshot keeps serving
            key = f"{problem}|{version}"
            if key == self._broken:
                return False  # resolved once for this state of CURRENT: not every tick
            self._broken = key
            fallback, why = retention.serving_version(self.index_dir, verify=True)
            self._note_degraded(why or problem)
            if fallback is None or (self._searcher is not None and self._searcher.version == fallback):
                return False
            return self._open(fallback)

    def _open(self, version: str) -> bool:
        try:
            snapshot = open_snapshot(
                self.index_dir, version, verify=self.settings.verify_checksums, milvus_uri=self.settings.milvus
            )
            searcher = Searcher(snapshot, self.encoder)
        except Exception as exc:  # keep serving the last good snapshot whatever went wrong
            self._refused = version
            self.last_error = f"snapshot {version} refused: {exc}"
            log.error(self.last_error)
            return False
        self._searcher = searcher
        self.last_error = None
        log.info("serving index version %s (%d passages)", version, len(snapshot.passages))
        return True

    def _loadable(self, version: str) -> bool:
        return (snap.snapshots_dir(self.index_dir) / version / snap.MANIFEST).is_file()

    def _note_degraded(self, problem: str | None) -> None:
        if problem != self.degraded:
            if problem:
                log.error("index: %s", problem)
            elif self.degraded:
                log.info("index: CURRENT is healthy again")
        self.degraded = problem

    def served_version(self) -> str | None:
        current = self._searcher
        return current.version if current is not None else None

    def searcher(self) -> Searcher:
        current = self._searcher
        if current is None:
            raise IndexUnavailable(self.last_error or f"no index at {self.index_dir}: run `bnc index` first")
        return current

    def answerer(self) -> Answerer:
        """An Answerer bound to the current Searcher; its sentence cache lives as long as the snapshot."""
        searcher = self.searcher()
        answerer = self._answerer
        if answerer is None or answerer.searcher is not searcher:
            answerer = self._answerer = Answerer(searcher)
        return answerer

    @property
    def ready(self) -> bool:
        return self._searcher is not None
