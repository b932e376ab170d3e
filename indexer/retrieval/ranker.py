"""The learned ranking model: a linear score over the named features, one weight vector per search kind.

Its weights live in indexer/data/ranker.json, written with its training report by
`bnc eval --train-ranker` (eval/train_ranker.py); this module only reads and applies them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.retrieval.features import FEATURES, KINDS, candidate_rows, feature_matrix, search_kind

if TYPE_CHECKING:
    from indexer.index.snapshot import IndexSnapshot
    from indexer.retrieval.stages import Candidates

MODEL_FILE = Path(__file__).resolve().parents[1] / "data" / "ranker.json"


class RankerError(ValueError):
    """A model file that does not match the features this code computes."""


@dataclass(frozen=True)
class LinearRanker:
    """score(row) = weights[kind] . features(row), the kind being the search's (features.KINDS)."""

    weights: dict[str, np.ndarray]
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearRanker:
        if tuple(data.get("features", ())) != FEATURES:
            raise RankerError(f"model features {data.get('features')} differ from this code's {list(FEATURES)}")
        weights = {kind: np.asarray(data["weights"][kind], dtype=np.float64) for kind in KINDS}
        return cls(weights, {k: v for k, v in data.items() if k != "weights"})

    def to_dict(self) -> dict[str, Any]:
        return {**self.meta, "features": list(FEATURES), "weights": {k: v.tolist() for k, v in self.weights.items()}}

    def score(self, candidates: Candidates, snapshot: IndexSnapshot) -> dict[int, float]:
        rows = candidate_rows(candidates)
        if not rows:
            return {}
        scores = feature_matrix(candidates, snapshot, rows) @ self.weights[search_kind(candidates)]
        return dict(zip(rows, scores.tolist(), strict=True))


@lru_cache(maxsize=4)
def load_ranker(path: Path = MODEL_FILE) -> LinearRanker:
    """The model in `path` (the bundled one by default), read once per process."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RankerError(f"cannot read the ranking model {path}: {exc}") from None
    return LinearRanker.from_dict(data)
