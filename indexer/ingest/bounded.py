"""Untrusted files are read in worker processes bounded in wall-clock time, CPU time and memory.

A parser that backtracks, inflates or loops on one hostile file must not stall the server or a
build, nor hold the interpreter lock its threads share: each file is read in a child process
(`python -m indexer.ingest.bounded`) with RLIMIT_AS (address space) set once, RLIMIT_CPU set per
file, and a wall-clock deadline kept by the caller, which kills the child's whole process group
(OCR's Tesseract included) when it passes. A few idle workers are kept and reused, so a normal
file costs one round trip over a pipe, not a process start."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import json
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge, OcrUnavailable
from indexer.ingest.formats import Extracted
from indexer.ingest.ocr import OCR_BUDGET_S


@dataclass(frozen=True)
class Limits:
    """What one file may cost its reader; OCR adds `ocr_budget_s` of wall-clock time per document."""

    wall_s: float = 60.0
    cpu_s: int = 60
    memory_mb: int = 1536  # address space of the reader process (its libraries alone take ~260 MB)
    ocr_budget_s: float = OCR_BUDGET_S


LIMITS = Limits()
POOL_SIZE = 2  # files read at once; more wait their turn (the machine's cores, not the clients, bound this)
START_TIMEOUT_S = 60.0  # a worker's imports, before any file's clock starts
_HEADER = struct.Struct("!Q")
_ERRORS: dict[str, type[DocumentError]] = {
    "DocumentError": DocumentError,
    "DocumentTooLarge": DocumentTooLarge,
    "OcrUnavailable": OcrUnavailable,
}


class ReadLimitExceeded(DocumentTooLarge):
    """Reading one file went over a limit of its worker (time, CPU or memory): the file is refused."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


def _send(fd: int, obj: object, answer: bool = False) -> None:
    """One message: a request (pickled: it comes from this process) or a worker's answer (JSON, never
    unpickled: a reader exploited by a file could otherwise run code in the caller)."""
    data = json.dumps(obj, default=_tag).encode() if answer else pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _tag(obj: object) -> dict[str, Any]:
    if isinstance(obj, dt.datetime):
        return {"__datetime__": obj.isoformat()}
    if isinstance(obj, dt.date):
        return {"__date__": obj.isoformat()}
    if isinstance(obj, Extracted):
        return {"__extracted__": dataclasses.asdict(obj)}
    raise TypeError(f"a reader answered with a {type(obj).__name__}")


def _untag(obj: dict[str, Any]) -> Any:
    if "__datetime__" in obj:
        return dt.datetime.fromisoformat(obj["__datetime__"])
    if "__date__" in obj:
        return dt.date.fromisoformat(obj["__date__"])
    if "__extracted__" in obj:
        return Extracted(**obj["__extracted__"])
    return obj


def _recv_exact(fd: int, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            poller = select.poll()  # not select(): a server's descriptors pass 1024
            poller.register(fd, select.POLLIN | select.POLLHUP)
            if left <= 0 or not poller.poll(left * 1000):
                raise TimeoutError
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _recv(fd: int, deadline: float | None = None, answer: bool = False) -> Any:
    (size,) = _HEADER.unpack(_recv_exact(fd, _HEADER.size, deadline))
    data = _recv_exact(fd, size, deadline)
    return json.loads(data, object_hook=_untag) if answer else pickle.loads(data)


class _Worker:
    """One child process; `call` sends it a job and waits for its answer until a deadline."""

    def __init__(self, limits: Limits) -> None:
        root = str(Path(__file__).resolve().parents[2])  # the same tree as this process's indexer
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        self.memory_mb = limits.memory_mb
        env = {**os.environ, "BNC_READ_MEMORY_MB": str(limits.memory_mb), "PYTHONPATH": path}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "indexer.ingest.bounded"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group: a kill also ends Tesseract
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.wfd, self.rfd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        if _recv(self.rfd, time.monotonic() + START_TIMEOUT_S, answer=True) != "ready":
            raise OSError("the reader process did not start")

    def call(self, job: str, args: tuple[Any, ...], cpu_s: int, wall_s: float) -> Any:
        _send(self.wfd, (job, args, cpu_s, os.environ.get("PATH", "")))
        return _recv(self.rfd, time.monotonic() + wall_s, answer=True)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class _Pool:
    def __init__(self) -> None:
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(POOL_SIZE)
        self._registered = False
        self._pid = os.getpid()

    def _after_fork(self) -> None:
        """A forked process (a server worker) starts its own workers: the parent's pipes are not its own."""
        if self._pid != os.getpid():
            self._idle, self._lock, self._pid = [], threading.Lock(), os.getpid()
            self._slots, self._registered = threading.BoundedSemaphore(POOL_SIZE), False

    def run(self, job: str, args: tuple[Any, ...], limits: Limits, wall_s: float) -> Any:
        self._after_fork()
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is not None and (worker.memory_mb != limits.memory_mb or worker.proc.poll() is not None):
                worker.kill()  # its address-space limit was set for other limits, or it is gone
                worker = None
            if worker is None:
                if not self._registered:
                    atexit.register(self.close)  # idle workers end with this process
                    self._registered = True
                try:
                    worker = _Worker(limits)
                except (OSError, EOFError, TimeoutError, ValueError) as exc:
                    raise DocumentError(f"the file reader could not be started ({type(exc).__name__})") from None
            try:
                status, payload = worker.call(job, args, limits.cpu_s, wall_s)
            except TimeoutError:
                worker.kill()
                raise ReadLimitExceeded(
                    f"reading the file took longer than {wall_s:.0f} s (the limit per file)", "time"
                ) from None
            except (EOFError, OSError, ValueError):
                try:
                    code: int | None = worker.proc.wait(5)
                except subprocess.TimeoutExpired:
                    code = None  # alive but not answering: killed all the same
                worker.kill()
                raise _stopped(code, limits) from None
            if status == "memory":
                worker.kill()  # its heap is left fragmented: a fresh worker reads the next file
                raise ReadLimitExceeded(
                    f"reading the file needed more than {limits.memory_mb} MB of memory (the limit per file)", "memory"
                )
            with self._lock:
                self._idle.append(worker)
        if status == "ok":
            return payload
        name, message = payload
        raise _ERRORS.get(name, DocumentError)(message)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


def _stopped(code: int | None, limits: Limits) -> DocumentError:
    if code == -signal.SIGXCPU:
        return ReadLimitExceeded(
            f"reading the file used more than {limits.cpu_s} s of CPU time (the limit per file)", "cpu"
        )
    if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        return ReadLimitExceeded(
            f"the file's reader stopped (signal {-code}); it needed more than the "
            f"{limits.memory_mb} MB of memory a file may use",
            "memory",
        )
    return DocumentError(f"the file's reader stopped unexpectedly (exit status {code})")


_POOL = _Pool()


def run_bounded(job: str, args: tuple[Any, ...], limits: Limits = LIMITS, ocr: bool = False) -> Any:
    """Run `JOBS[job](*args)` in a bounded worker and return its result; its DocumentError is raised
    here, and ReadLimitExceeded when it went over a limit (the worker is then killed)."""
    wall_s = limits.wall_s + (limits.ocr_budget_s if ocr else 0.0)
    return _POOL.run(job, args, limits, wall_s)


def close_workers() -> None:
    """Stop the idle workers (tests; the process's exit does this too)."""
    _POOL.close()


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def _allocate(mb: int) -> int:
    return len(bytearray(mb * 1024 * 1024))


def _jobs() -> dict[str, Callable[..., Any]]:
    from indexer.ingest.readers import extract_file

    # the probes stand in for a hostile file in tests: one that stalls, spins or inflates
    return {"extract": extract_file, "probe_sleep": time.sleep, "probe_cpu": _spin, "probe_memory": _allocate}


def _serve() -> None:
    """The worker's loop: limit memory once, then per file set the CPU limit, read, answer."""
    import resource

    memory = int(os.environ.get("BNC_READ_MEMORY_MB", LIMITS.memory_mb)) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    jobs = _jobs()
    rfd, wfd = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print() must not corrupt the answers
    _send(wfd, "ready", answer=True)
    while True:
        try:
            job, args, cpu_s, path = _recv(rfd)
            os.environ["PATH"] = path  # programs (Tesseract) are found as the caller would now
        except EOFError:
            return  # the parent is gone
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu_s + 1, cpu_hard))
        try:
            answer: tuple[str, Any] = ("ok", jobs[job](*args))
        except MemoryError:
            answer = ("memory", None)
        except DocumentError as exc:
            answer = ("error", (type(exc).__name__, str(exc)))
        except Exception as exc:  # a library's own failure on a damaged file: a refusal, never a crash
            answer = ("error", ("DocumentError", f"the file could not be read ({type(exc).__name__})"))
        try:
            _send(wfd, answer, answer=True)
        except MemoryError:
            _send(wfd, ("memory", None), answer=True)
        except (TypeError, ValueError) as exc:  # an answer JSON cannot carry: a reader's bug, this file's refusal
            _send(wfd, ("error", ("DocumentError", f"the file could not be read ({exc})")), answer=True)


if __name__ == "__main__":
    _serve()
