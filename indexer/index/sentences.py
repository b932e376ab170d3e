"""Sentence table of a snapshot: every passage's sentence offsets and vectors, encoded at build time.

`ask` scores sentences against the question; with their vectors in the snapshot a cold ask costs one
question encoding and no sentence encoding. Vectors go through the persistent embedding cache (keyed
by text, like passages), so a rebuild encodes only new sentences, and a passage that is one sentence
costs nothing (its text is already cached as a passage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.encoders import Encoder, Progress
from indexer.index.embcache import EmbeddingCache, encode_with_cache
from indexer.ingest.splitter import sentence_spans
from indexer.types import Passage

SPANS = "sentences.npy"  # int32 rows (passage row, start, end), offsets into the passage text, in row order
VECTORS = "sentence_vectors.npy"  # float16, one row per sentence: half the disk and memory, same ranking


@dataclass
class SentenceTable:
    spans: np.ndarray  # (n, 3) int32
    vectors: np.ndarray  # (n, dim) float16, memory-mapped when read from a snapshot

    def __post_init__(self) -> None:
        rows = int(self.spans[-1, 0]) + 2 if len(self.spans) else 1
        self._starts = np.searchsorted(self.spans[:, 0], np.arange(rows)).tolist()

    def __len__(self) -> int:
        return int(self.spans.shape[0])

    def of_row(self, row: int) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Sentence offsets (into the passage text) and vectors of one passage row."""
        if row + 1 >= len(self._starts):
            return [], np.zeros((0, self.vectors.shape[1]), dtype=np.float32)
        lo, hi = self._starts[row], self._starts[row + 1]
        spans = [(int(s), int(e)) for s, e in self.spans[lo:hi, 1:3].tolist()]
        return spans, np.asarray(self.vectors[lo:hi], dtype=np.float32)

    def save(self, folder: Path) -> None:
        np.save(folder / SPANS, self.spans)
        np.save(folder / VECTORS, self.vectors)

    @classmethod
    def load(cls, folder: Path) -> SentenceTable | None:
        """The snapshot's table, or None for snapshots built before sentence vectors existed."""
        if not (folder / SPANS).is_file() or not (folder / VECTORS).is_file():
            return None
        return cls(np.load(folder / SPANS), np.load(folder / VECTORS, mmap_mode="r"))


def split_sentences(passages: Sequence[Passage]) -> np.ndarray:
    rows = [(r, s, e) for r, p in enumerate(passages) for s, e in sentence_spans(p.text, p.lang)]
    return np.asarray(rows, dtype=np.int32).reshape(-1, 3)


def build_sentences(
    passages: Sequence[Passage],
    encoder: Encoder,
    cache: EmbeddingCache | None,
    progress: Progress | None = None,
    read_cache: bool = True,
    total: Callable[[int], None] | None = None,
) -> tuple[SentenceTable, int]:
    """The table for `passages` (in snapshot row order) and how many sentences had to be encoded;
    `total` hears the sentence count once it is known (a progress bar's length)."""
    spans = split_sentences(passages)
    texts = [passages[r].text[s:e] for r, s, e in spans]
    if total is not None:
        total(len(texts))
    vectors, encoded = encode_with_cache(encoder, texts, cache, progress, read_cache=read_cache)
    return SentenceTable(spans, vectors.astype(np.float16)), encoded
