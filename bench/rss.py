"""Resident memory of a process over time, sampled in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import psutil


class RssSampler:
    """Samples RSS every `interval` s between start() and stop(); peak() over any time window."""

    def __init__(self, pid: int | None = None, interval: float = 0.02) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), self.process.memory_info().rss))
            self._stop.wait(self.interval)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter(), self.process.memory_info().rss))

    def peak(self, start: float = float("-inf"), end: float = float("inf")) -> int:
        inside = [rss for t, rss in self.samples if start <= t <= end]
        return max(inside, default=0)

    def stage_peaks(self, started: float, stages: Sequence[tuple[str, float]]) -> dict[str, int]:
        """Peak RSS within each of consecutive stages given as (name, seconds) from `started`."""
        out = {}
        t = started
        for name, seconds in stages:
            out[name] = self.peak(t, t + seconds + self.interval)
            t += seconds
        return out


def mb(nbytes: float) -> float:
    return round(nbytes / 2**20, 1)
