"""A bounded LRU of query vectors keyed by (encoder id, runtime, text), shared by a process's searchers."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

from indexer.encoders.base import Encoder, runtime_of


class QueryVectors:
    """Paging, changing a filter or asking after searching re-use the vector instead of encoding again.

    The runtime is part of the key so that two runtimes of one space are never mixed up when
    compared in one process; vectors handed out are read-only.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, encoder: Encoder, text: str) -> np.ndarray:
        key = (encoder.id, runtime_of(encoder), text)
        with self._lock:
            vec = self._items.get(key)
            if vec is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return vec
            self.misses += 1
        vec = np.array(encoder.encode_queries([text])[0], dtype=np.float32)
        vec.setflags(write=False)
        with self._lock:
            self._items[key] = vec
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return vec


# the process-wide default; BNC_QUERY_VECTORS sets its size (0: every search encodes, as benchmarks want)
QUERY_VECTORS = QueryVectors(int(os.environ.get("BNC_QUERY_VECTORS", "4096")))
