"""The CI gate: pinned minimum scores per mode, direction and metric (eval/expected.json)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXPECTED = Path(__file__).resolve().parent / "expected.json"
PINNED_METRICS = ("ndcg@10", "recall@10")
Scores = dict[str, dict[str, dict[str, float]]]  # mode -> direction -> metric -> value


@dataclass(frozen=True)
class GateRow:
    mode: str
    direction: str
    metric: str
    minimum: float
    value: float | None  # None: the run did not produce this score

    @property
    def ok(self) -> bool:
        return self.value is not None and not math.isnan(self.value) and self.value >= self.minimum

    def line(self) -> str:
        got = "missing" if self.value is None else f"{self.value:.3f}"
        verdict = "OK  " if self.ok else "FAIL"
        return f"{verdict} {self.mode:<16} {self.direction:<6} {self.metric:<10} {got:>7} >= {self.minimum:.3f}"


def load_expected(path: Path = EXPECTED) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check(scores: Scores, minima: dict[str, dict[str, dict[str, float]]]) -> list[GateRow]:
    """One row per pinned minimum; a score the run lacks fails."""
    rows = []
    for mode, per_dir in minima.items():
        for direction, per_metric in per_dir.items():
            for metric, minimum in per_metric.items():
                value = scores.get(mode, {}).get(direction, {}).get(metric)
                rows.append(GateRow(mode, direction, metric, float(minimum), value))
    return rows


def passed(rows: list[GateRow]) -> bool:
    return bool(rows) and all(r.ok for r in rows)


def pin(scores: Scores, metrics: tuple[str, ...], margin: float = 0.05) -> dict[str, dict[str, dict[str, float]]]:
    """Minima a little below measured scores (measured - margin, rounded down to 0.01)."""
    return {
        mode: {
            d: {m: max(0.0, math.floor(round((v[m] - margin) * 100, 6)) / 100) for m in metrics if m in v}
            for d, v in per_dir.items()
        }
        for mode, per_dir in scores.items()
    }
