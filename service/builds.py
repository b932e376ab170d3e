"""Background index builds inside the service: one at a time, requests coalesced, cancellable, hot-swapped."""

from __future__ import annotations

import collections
import logging
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from indexer.files import write_atomic
from indexer.index.build import BuildCancelled
from indexer.ingest.corpus import CorpusCatalog
from service.engine import Engine
from service.indexing import rebuild
from service.observability import Metrics
from service.quarantine import Quarantine

log = logging.getLogger("bnc.builds")
JOBS_FILE = "JOBS"  # the last job number handed out: numbers keep rising across restarts


@dataclass(frozen=True)
class JobResult:
    """How the build that covered a job ended."""

    first_job: int
    last_job: int
    outcome: str  # published | unchanged | failed | cancelled
    version: str | None  # what serves after it
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class BuildRunner:
    """Builds run on a worker thread; requests made while one runs are served by the next build.

    A job number is handed out after the write it follows is on disk, and a build covers every
    job requested before it started reading the corpus: so "job N finished" means the index
    was built from a corpus that holds write N."""

    def __init__(self, engine: Engine, catalog: CorpusCatalog, metrics: Metrics | None = None) -> None:
        self.engine = engine
        self.catalog = catalog
        self.metrics = metrics
        self._cond = threading.Condition()
        requested, finished = self._read_jobs()
        self._requested = requested  # job ids are request counters
        # a job requested before a restart and never built is not reported as finished: the
        # start-up build covers it
        self._started = finished  # highest job id covered by the running or last build
        self._finished = finished
        self.quarantine = Quarantine(engine.index_dir)
        self.last_skipped: list[str] = []  # the last build's skipped and quarantined files, with the reason
        self.refused: collections.deque[dict[str, Any]] = collections.deque(maxlen=50)  # recent refused uploads
        self._full = False
        self._running = False
        self._cancel = threading.Event()
        self._worker = False  # a worker loop is running (set and cleared under the condition)
        self._results: collections.deque[JobResult] = collections.deque(maxlen=1000)
        self.last_report: dict[str, Any] | None = None
        self.last_error: str | None = None
        self.last_outcome: str | None = None
        self.last_finished_at: float | None = None

    def _read_jobs(self) -> tuple[int, int]:
        """(last job handed out, last job a build finished): "<requested> <finished>" (an older
        file holds only the first, and its jobs then count as finished)."""
        try:
            parts = [int(p) for p in (self.engine.index_dir / JOBS_FILE).read_text().split()[:2]]
        except (OSError, ValueError):
            return 0, 0
        requested = parts[0] if parts else 0
        return requested, min(requested, parts[1]) if len(parts) > 1 else requested

    def _write_jobs(self) -> None:
        try:
            self.engine.index_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self.engine.index_dir / JOBS_FILE, f"{self._requested} {self._finished}\n".encode())
        except OSError as exc:  # numbering is a convenience; the build itself still runs
            log.warning("could not record job %d: %s", self._requested, exc)

    def request(self, full: bool = False) -> int:
        with self._cond:
            self._requested += 1
            self._write_jobs()
            self._full = self._full or full
            # a flag, not Thread.is_alive(): a loop that has decided to return may still be alive
            # for a moment, and a request arriving then would otherwise never be built
            if not self._worker:
                self._worker = True
                threading.Thread(target=self._loop, name="bnc-build", daemon=True).start()
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

    def wait_idle(self, timeout: float) -> bool:
        """Until nothing is running or queued."""
        with self._cond:
            job = self._requested
        return self.wait(job, timeout)

    def result(self, job: int) -> JobResult | None:
        with self._cond:
            return next((r for r in reversed(self._results) if r.first_job <= job <= r.last_job), None)

    def note_refused(self, file: str, reason: str) -> None:
        """An uploaded file refused (a limit, a damaged file, a taken id): listed in `status()`."""
        with self._cond:
            self.refused.append({"file": file, "reason": reason, "at": time.time()})

    def cancel(self) -> int | None:
        """Stop the running build (its staging directory is removed); returns its last job, or None."""
        with self._cond:
            if not self._running:
                return None
            self._cancel.set()
            return self._started

    def status(self) -> dict[str, Any]:
        with self._cond:
            return {
                "running": self._running,
                "queued": self._requested > self._started,
                "requested_job": self._requested,
                "last_job": self._finished,
                "last_outcome": self.last_outcome,
                "last_report": self.last_report,
                "last_error": self.last_error,
                "last_finished_at": self.last_finished_at,
                "skipped": list(self.last_skipped),
                "quarantined": self.quarantine.report(),
                "refused_uploads": list(self.refused),
            }

    def _loop(self) -> None:
        try:
            self._run_jobs()
        except BaseException:
            with self._cond:
                self._worker = False  # the next request starts a fresh worker
            log.exception("the build worker stopped unexpectedly")
            raise

    def _run_jobs(self) -> None:
        while True:
            with self._cond:
                if self._started >= self._requested:
                    self._worker = False
                    return
                first, job, full = self._started + 1, self._requested, self._full
                self._started, self._full, self._running = job, False, True
                self._cancel.clear()
            outcome, error, report = "published", None, None
            started = time.perf_counter()
            notes: list[str] = []

            def warn(line: str, notes: list[str] = notes) -> None:
                log.warning("%s", line)
                if line.startswith(("skipped ", "quarantined ")):
                    notes.append(line)

            try:
                done = rebuild(
                    self.catalog,
                    self.engine.index_dir,
                    self.engine.encoder,
                    full=full,
                    keep=self.engine.settings.keep_snapshots,
                    wait_for_lock=True,  # a `bnc index` in another process finishes first
                    skip_if_current=True,
                    cancelled=self._cancel.is_set,
                    doc_mt=self.engine.settings.doc_mt,
                    doc_mt_vectors=self.engine.settings.doc_mt_vectors,
                    quarantine=self.quarantine,
                    warn=warn,
                    milvus_uri=self.engine.settings.milvus,
                )
                report = done.report
                if report is None:
                    outcome = "unchanged"
                    log.info("index %s already matches the corpus (jobs %d-%d)", done.version, first, job)
                else:
                    log.info(
                        "published %s: %d documents, %d encoded (jobs %d-%d)",
                        report.version,
                        report.documents,
                        report.encoded,
                        first,
                        job,
                    )
            except BuildCancelled as exc:
                outcome, error = "cancelled", str(exc)
                log.warning("index build for jobs %d-%d cancelled; the served index is unchanged", first, job)
            except Exception as exc:  # the service stays up; the status says what failed
                outcome, error = "failed", f"{type(exc).__name__}: {exc}"
                log.error("index build for jobs %d-%d failed: %s", first, job, error)
            if self.metrics:
                self.metrics.build_seconds.observe(time.perf_counter() - started)
                self.metrics.builds.labels(outcome).inc()
            try:
                self.engine.reload()
            except Exception:  # the watcher retries; this job's outcome is still recorded
                log.exception("reloading after the build failed")
            version = self.engine.served_version()
            with self._cond:
                self._running = False
                self._finished = job
                self._write_jobs()
                self.last_skipped = notes
                self._results.append(JobResult(first, job, outcome, version, error))
                self.last_outcome = outcome
                self.last_error = error
                self.last_report = report.to_dict() if report else self.last_report
                self.last_finished_at = time.time()
                self._cond.notify_all()
