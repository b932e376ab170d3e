"""Wall time per named stage of one operation (a search), for per-stage latency reports."""

from __future__ import annotations

import time


class Laps:
    """Wall time per named stage of one search, in ms (a stage may be entered several times)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.ms[stage] = self.ms.get(stage, 0.0) + (now - self._t) * 1000
        self._t = now
