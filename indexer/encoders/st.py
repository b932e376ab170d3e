"""sentence-transformers backend: any model by local path or cached name (the optional [st] extra)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from indexer.encoders.base import Progress, length_batches


class SentenceTransformerEncoder:
    """Any sentence-transformers model by local path or cached name; offline unless allowed."""

    def __init__(self, model: str, batch_size: int = 16, allow_download: bool = False) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # the optional extra is not installed
            raise RuntimeError("the sentence-transformers backend needs: pip install 'bnc-search[st]'") from exc
        kwargs: dict[str, Any] = {"device": "cpu"}
        if not allow_download and not os.path.isdir(model):
            kwargs["local_files_only"] = True
        self._model = SentenceTransformer(model, **kwargs)
        # renamed in sentence-transformers 6; keep both so the extra works across versions
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        self.batch_size = batch_size
        self.id = f"st:{os.path.basename(model.rstrip('/')) if os.path.isdir(model) else model}"
        self.runtime = "sentence-transformers"
        # e5 models were trained with these prefixes; other models get the text as is
        self._e5 = "e5" in model.lower()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        texts = [prefix + t for t in texts] if self._e5 else list(texts)
        vecs = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in length_batches([len(t) for t in texts], self.batch_size):
            out[batch] = self._encode([texts[i] for i in batch], "passage: ")
            if progress:
                progress(len(batch))
        return out
