"""Where built ONNX models live: one file per (source checksum, builder version), written atomically."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx

log = logging.getLogger("bnc.encoder")


def cache_dir() -> Path:
    """BNC_MODEL_CACHE, else $XDG_CACHE_HOME/bnc-search, else ~/.cache/bnc-search."""
    if os.environ.get("BNC_MODEL_CACHE"):
        return Path(os.environ["BNC_MODEL_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bnc-search"


def cached_model(directory: Path, name: str, build: Callable[[], onnx.ModelProto], rebuild: bool = False) -> bytes:
    """The serialized model named `name` in `directory`, built (and saved) on first use or when asked.

    A crash mid-write leaves at most a temp file, never a partial model under the final name;
    an unwritable directory only means the model is built again by the next process.
    """
    path = directory / name
    if not rebuild:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
    started = time.perf_counter()
    log.info("building the ONNX encoder model %s (%s)", path, "rebuild" if rebuild else "first use")
    data = build().SerializeToString()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the model holds nothing secret
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not cache the ONNX encoder model in %s (%s); using it from memory", directory, exc)
    else:
        log.info("built %s in %.1f s (%.1f MB)", path, time.perf_counter() - started, len(data) / 1e6)
    return data
