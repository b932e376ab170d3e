"""Walk a corpus folder (corpus/en, corpus/es, ...) and read every supported file, re-reading only what changed."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest.ocr_cache import OcrCache
from indexer.ingest.readers import SUPPORTED_SUFFIXES, DocumentError, read_document
from indexer.types import Document

META_SUFFIX = ".meta.yaml"  # metadata beside a file that cannot carry front matter (HTML, PDF)
_Key = tuple[int, int, int, int, int]  # (inode, size, mtime) of the file + (size, mtime) of its sidecar


@dataclass
class CorpusLoad:
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files skipped, with the reason
    warnings: list[str] = field(default_factory=list)  # documents indexed, with something to know
    skipped: dict[str, str] = field(default_factory=dict)  # corpus-relative path -> why it is not indexed
    stopped: bool = False  # the caller asked to stop before every file was read

    def ids(self) -> set[str]:
        return {d.doc_id for d in self.documents}


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + META_SUFFIX)


def corpus_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                out.append(Path(dirpath) / name)
    return sorted(out)


def _key(path: Path) -> _Key | None:
    try:
        st = path.stat()
    except OSError:
        return None  # removed between listing and reading: a concurrent delete, not an error
    try:
        side = sidecar(path).stat()
        side_key = (side.st_size, side.st_mtime_ns)
    except OSError:
        side_key = (-1, -1)
    return (st.st_ino, st.st_size, st.st_mtime_ns, *side_key)


class CorpusCatalog:
    """The documents of one corpus folder; a file is parsed again only when it (or its sidecar) changed.

    Answering "which documents are there" then costs a stat per file, not a parse (a PDF can
    take seconds), so admin requests and incremental builds stay cheap on a large archive."""

    def __init__(self, root: Path, ocr_cache: OcrCache | None = None) -> None:
        self.root = Path(root)
        self.ocr_cache = ocr_cache  # scanned pages already read, kept across processes
        self._cache: dict[Path, tuple[_Key, Document | DocumentError]] = {}
        self._lock = threading.Lock()

    def remember(self, path: Path, doc: Document) -> None:
        """A document just written to `path`, already parsed: the next load does not parse it again."""
        key = _key(path)
        if key is not None:
            with self._lock:
                self._cache[path] = (key, doc)

    def load(self, stop: Callable[[], bool] | None = None) -> CorpusLoad:
        """Read every document; unreadable or vanished files are reported, never fatal. `stop` is
        asked before each file read (a cancelled build): the load then ends early, `stopped`."""
        out = CorpusLoad()
        if not self.root.is_dir():
            out.errors.append(f"corpus folder {self.root} does not exist")
            return out
        with self._lock:
            seen_paths: set[Path] = set()
            by_id: dict[str, str] = {}
            for path in corpus_files(self.root):
                key = _key(path)
                if key is None:
                    continue
                seen_paths.add(path)
                cached = self._cache.get(path)
                if cached is not None and cached[0] == key:
                    result = cached[1]
                elif stop is not None and stop():
                    out.stopped = True
                    return out
                else:
                    result = _read(path, self.root, self.ocr_cache)
                    self._cache[path] = (key, result)
                rel = str(path.relative_to(self.root))
                if isinstance(result, DocumentError):
                    out.errors.append(str(result))
                    out.skipped[rel] = str(result)
                    continue
                if result.doc_id in by_id:
                    why = f"{rel}: doc_id {result.doc_id!r} is already used by {by_id[result.doc_id]}; skipped"
                    out.errors.append(why)
                    out.skipped[rel] = why
                    continue
                by_id[result.doc_id] = rel
                out.documents.append(result)
            for gone in set(self._cache) - seen_paths:
                del self._cache[gone]
        ids = set(by_id)
        for doc in out.documents:
            for note in filter(None, doc.meta.get("intake_warnings", "").split("; ")):
                out.warnings.append(f"{doc.path}: {note}")
            if doc.translation_of and doc.translation_of not in ids:
                out.warnings.append(
                    f"{doc.path}: translation_of {doc.translation_of!r} names no document in the corpus yet; "
                    "indexed without a twin (linked when that document arrives)"
                )
        return out

    def find(self, doc_id: str) -> Document | None:
        return next((d for d in self.load().documents if d.doc_id == doc_id), None)


def _read(path: Path, root: Path, ocr_cache: OcrCache | None) -> Document | DocumentError:
    try:
        return read_document(path, root, ocr_cache)
    except DocumentError as exc:
        return exc
    except OSError as exc:  # permissions, a file vanishing mid-read: this file only
        return DocumentError(f"{path.relative_to(root)}: cannot be read ({exc.strerror or exc})")
    except Exception as exc:  # a reader bug on one hostile file must not fail the archive
        return DocumentError(f"{path.relative_to(root)}: could not be read ({type(exc).__name__}: {exc})")


def load_corpus(root: Path) -> CorpusLoad:
    """Read every document under `root` once (a fresh catalog)."""
    return CorpusCatalog(root).load()
