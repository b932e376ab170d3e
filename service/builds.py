"""Background index builds inside the service: one at a time, requests coalesced, hot-swapped."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from indexer.build import BuildReport, build_index
from indexer.corpus import load_corpus
from service.engine import Engine
from service.observability import Metrics

log = logging.getLogger("bnc.builds")


class BuildRunner:
    """Builds run on a worker thread; requests made while one runs are served by the next build."""

    def __init__(self, engine: Engine, metrics: Metrics | None = None) -> None:
        self.engine = engine
        self.metrics = metrics
        self._cond = threading.Condition()
        self._requested = 0  # job ids are request counters
        self._started = 0  # highest job id covered by the running or last build
        self._finished = 0
        self._full = False
        self._running = False
        self._thread: threading.Thread | None = None
        self.last_report: dict[str, Any] | None = None
        self.last_error: str | None = None
        self.last_finished_at: float | None = None

    def request(self, full: bool = False) -> int:
        with self._cond:
            self._requested += 1
            self._full = self._full or full
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="bnc-build", daemon=True)
                self._thread.start()
            self._cond.notify_all()
            return self._requested

    def wait(self, job: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._finished < job:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def status(self) -> dict[str, Any]:
        with self._cond:
            return {
                "running": self._running,
                "queued": self._requested > self._started,
                "last_job": self._finished,
                "last_report": self.last_report,
                "last_error": self.last_error,
                "last_finished_at": self.last_finished_at,
            }

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._started >= self._requested:
                    return
                job, full = self._requested, self._full
                self._started, self._full, self._running = job, False, True
            report: BuildReport | None = None
            error: str | None = None
            started = time.perf_counter()
            try:
                report = self._build(full)
            except Exception as exc:  # the service stays up; the status says what failed
                error = f"{type(exc).__name__}: {exc}"
                log.error("index build failed: %s", error)
            if self.metrics:
                self.metrics.build_seconds.observe(time.perf_counter() - started)
                self.metrics.builds.labels("failed" if error else "published").inc()
            self.engine.reload()
            with self._cond:
                self._running = False
                self._finished = job
                self.last_error = error
                self.last_report = report.to_dict() if report else self.last_report
                self.last_finished_at = time.time()
                self._cond.notify_all()

    def _build(self, full: bool) -> BuildReport:
        settings = self.engine.settings
        loaded = load_corpus(settings.corpus)
        for err in loaded.errors:
            log.warning("skipped %s", err)
        report = build_index(
            loaded.documents,
            self.engine.index_dir,
            self.engine.encoder,
            full=full,
            wait_for_lock=True,  # a `bnc index` in another process finishes first
            keep=settings.keep_snapshots,
        )
        log.info("published %s: %d documents, %d encoded", report.version, report.documents, report.encoded)
        return report
