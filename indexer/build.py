"""Build a snapshot from documents: split, encode (cached), lexical, vectors, publish."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from indexer import snapshot as snap
from indexer.align import translation_pairs
from indexer.analysis import ANALYZERS
from indexer.embcache import EmbeddingCache, encode_with_cache
from indexer.encoders import Encoder
from indexer.lexical import build_lexical
from indexer.splitter import MAX_WORDS, split_document
from indexer.types import Document, Passage
from indexer.vectors import EXACT_MAX, VectorIndex, build_vectors, index_kind

LOCK_FILE = ".build.lock"


class BuildLocked(RuntimeError):
    """Another build holds the index lock."""


@dataclass
class BuildReport:
    version: str
    documents: int
    passages: int
    encoded: int
    reused: int
    seconds: dict[str, float] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def build_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """One writer per index directory; a second one fails fast (or waits, if asked)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_dir}; try again when it finishes") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def split_all(documents: list[Document]) -> list[Passage]:
    return [p for doc in documents for p in split_document(doc)]


def build_index(
    documents: list[Document],
    index_dir: Path,
    encoder: Encoder,
    *,
    progress: bool = False,
    exact_max: int = EXACT_MAX,
    wait_for_lock: bool = False,
) -> BuildReport:
    """Write a new snapshot for `documents` and make it CURRENT; the old one serves until then."""
    with build_lock(index_dir, wait=wait_for_lock):
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        documents = sorted(documents, key=lambda d: d.doc_id)
        passages = split_all(documents)
        timings["split"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite")
        try:
            with tqdm(total=len(passages), desc="encode", unit="passage", disable=not progress) as bar:
                vectors, encoded = encode_with_cache(encoder, [p.text for p in passages], cache, bar.update)
        finally:
            cache.close()
        timings["encode"] = time.perf_counter() - t0

        version = snap.new_version()
        staging = snap.staging_dir(index_dir, version)
        t0 = time.perf_counter()
        build_lexical(passages, staging / "lexical")
        timings["lexical"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        vindex = VectorIndex(build_vectors(vectors, exact_max))
        vindex.save(staging / "vectors.faiss")
        timings["vectors"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        pairs = translation_pairs(documents, passages, vectors)
        snap.write_jsonl(staging / "pairs.jsonl", [{"a": a, "b": b, "sim": s} for a, b, s in pairs])
        timings["align"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        snap.write_jsonl(staging / "documents.jsonl", snap.documents_to_rows(documents))
        snap.write_jsonl(staging / "passages.jsonl", [p.to_dict() for p in passages])
        manifest = {
            "version": version,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "encoder": {"id": encoder.id, "dim": encoder.dim},
            "analyzers": ANALYZERS,
            "splitter": {"max_words": MAX_WORDS},
            "vectors": {"kind": index_kind(vindex.index), "exact_max": exact_max},
            "counts": {"documents": len(documents), "passages": len(passages), "pairs": len(pairs)},
            "documents": {d.doc_id: {"sha256": d.sha256, "lang": d.lang, "path": d.path} for d in documents},
        }
        snap.finish_snapshot(staging, manifest)
        snap.publish(index_dir, version)
        removed = snap.remove_stale(index_dir)  # crash leftovers and all but current + previous
        timings["publish"] = time.perf_counter() - t0
        return BuildReport(
            version=version,
            documents=len(documents),
            passages=len(passages),
            encoded=encoded,
            reused=len(passages) - encoded,
            seconds={k: round(v, 4) for k, v in timings.items()},
            removed=removed,
        )
