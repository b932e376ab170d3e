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
# bump when sentence_spans changes what it returns: a build reuses the previous table only when equal
SENTENCE_SPLIT = "1"


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


def split_sentences(passages: Sequence[Passage], rows: Sequence[int] | None = None) -> np.ndarray:
    """(row, start, end) of every sentence of `passages` (or of the given rows only), in row order."""
    which = range(len(passages)) if rows is None else rows
    out = [(r, s, e) for r in which for s, e in sentence_spans(passages[r].text, passages[r].lang)]
    return np.asarray(out, dtype=np.int32).reshape(-1, 3)


def _reused(previous: SentenceTable, previous_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The previous table's sentences of the rows kept, renumbered: previous_row[r] is new row r's old row or -1."""
    kept = np.flatnonzero(previous_row >= 0)
    size = int(max(previous_row.max(initial=-1), previous.spans[:, 0].max(initial=-1))) + 1
    new_of_old = np.full(size, -1, dtype=np.int64)
    new_of_old[previous_row[kept]] = kept
    take = new_of_old[previous.spans[:, 0]] >= 0 if len(previous) else np.zeros(0, dtype=bool)
    spans = np.array(previous.spans[take], dtype=np.int32).reshape(-1, 3)
    spans[:, 0] = new_of_old[spans[:, 0]]
    return spans, np.asarray(previous.vectors[take], dtype=np.float16)


def build_sentences(
    passages: Sequence[Passage],
    encoder: Encoder,
    cache: EmbeddingCache | None,
    progress: Progress | None = None,
    read_cache: bool = True,
    total: Callable[[int], None] | None = None,
    reuse: tuple[SentenceTable, np.ndarray] | None = None,
) -> tuple[SentenceTable, int]:
    """The table for `passages` (in snapshot row order) and how many sentences had to be encoded;
    `total` hears the count of sentences to look up or encode once it is known (a progress bar's length).

    `reuse` is the previous snapshot's table and, per new row, its old row (-1 for a new passage):
    the sentences of unchanged passages are copied from it (a one-document add at 100k passages
    spent 12 s splitting and looking up every sentence again)."""
    if reuse is None:
        spans = split_sentences(passages)
        kept_spans, kept_vectors = spans[:0], np.zeros((0, encoder.dim), dtype=np.float16)
    else:
        kept_spans, kept_vectors = _reused(*reuse)
        spans = split_sentences(passages, np.flatnonzero(reuse[1] < 0).tolist())
    texts = [passages[r].text[s:e] for r, s, e in spans.tolist()]
    if total is not None:
        total(len(texts))
    vectors, encoded = encode_with_cache(encoder, texts, cache, progress, read_cache=read_cache)
    if reuse is None:
        return SentenceTable(spans, vectors.astype(np.float16)), encoded
    all_spans = np.concatenate([kept_spans, spans])
    all_vectors = np.concatenate([kept_vectors, vectors.astype(np.float16)])
    order = np.lexsort((all_spans[:, 1], all_spans[:, 0]))
    return SentenceTable(np.ascontiguousarray(all_spans[order]), np.ascontiguousarray(all_vectors[order])), encoded
