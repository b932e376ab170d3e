"""Sentence offsets and vectors of a passage: from the snapshot's sentence table, or (older snapshots
without one) split and encoded on demand into a bounded in-memory LRU."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from indexer.ingest.splitter import sentence_spans
from indexer.retrieval.search import Searcher
from indexer.types import Passage


class SentenceSource:
    def __init__(self, searcher: Searcher, capacity: int = 20_000) -> None:
        self.searcher = searcher
        self.capacity = capacity
        self._cache: OrderedDict[str, tuple[list[tuple[int, int]], np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, passage: Passage) -> tuple[list[tuple[int, int]], np.ndarray]:
        """(start, end) offsets into the passage text, and one unit vector per sentence."""
        snapshot = self.searcher.snapshot
        if snapshot.sentences is not None:
            return snapshot.sentences.of_row(snapshot.rows[passage.passage_id])
        with self._lock:
            if passage.passage_id in self._cache:
                self._cache.move_to_end(passage.passage_id)
                return self._cache[passage.passage_id]
        spans = sentence_spans(passage.text, passage.lang)
        vecs = self.searcher.encoder.encode_passages([passage.text[s:e] for s, e in spans]) if spans else None
        entry = (spans, np.asarray(vecs, dtype=np.float32) if vecs is not None else np.zeros((0, 1), np.float32))
        with self._lock:
            self._cache[passage.passage_id] = entry
            while len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        return entry
