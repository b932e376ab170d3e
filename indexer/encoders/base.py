"""The Encoder protocol every backend implements, and helpers shared by the backends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

Progress = Callable[[int], None]


class Encoder(Protocol):
    """`id` names the vector space: two encoders with the same id give interchangeable vectors."""

    id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


class EncoderMismatch(RuntimeError):
    """The index was built with another encoder than the one asked to query it."""


def length_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices grouped by similar length (less padding); callers put results back in input order."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + size] for i in range(0, len(order), size)]


def runtime_of(encoder: Encoder) -> str:
    """What computes the vectors (e.g. 'onnxruntime-1.32.0'); the id says which space they are in."""
    return str(getattr(encoder, "runtime", type(encoder).__name__))
