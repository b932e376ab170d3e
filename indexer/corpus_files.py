"""Add, replace and remove corpus files safely (atomic writes, sanitized names, sidecar metadata)."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

import yaml

from indexer.corpus import load_corpus
from indexer.readers import SUPPORTED_SUFFIXES, DocumentError, read_document_bytes, slugify
from indexer.snapshot import write_atomic
from indexer.types import Document

META_SUFFIX = ".meta.yaml"  # metadata beside a file that cannot carry front matter (HTML, PDF)
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + META_SUFFIX)


def valid_doc_id(doc_id: str) -> bool:
    return bool(_SAFE_ID.match(doc_id))


def find_document(corpus: Path, doc_id: str) -> Document | None:
    return next((d for d in load_corpus(corpus).documents if d.doc_id == doc_id), None)


def _front_matter(meta: dict[str, Any], body: str) -> bytes:
    head = yaml.safe_dump({k: v for k, v in meta.items() if v not in (None, "")}, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n{body.rstrip()}\n".encode()


def save_document(
    corpus: Path,
    data: bytes,
    filename: str,
    meta: dict[str, Any],
    replace: Document | None = None,
) -> Document:
    """Validate and store one document under corpus/<lang>/; returns it as the indexer will read it.

    The file name derives from the doc_id alone, so no user-supplied path reaches the disk.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    fallback = meta.get("doc_id") or (replace.doc_id if replace else None) or meta.get("title") or Path(filename).stem
    meta = {**meta, "doc_id": slugify(str(fallback))}
    doc = read_document_bytes(data, filename, meta)  # raises DocumentError with the reason
    if not valid_doc_id(doc.doc_id):
        raise DocumentError(f"doc_id {doc.doc_id!r} is not valid (lowercase letters, digits and '-')")
    folder = corpus / doc.lang
    folder.mkdir(parents=True, exist_ok=True)
    full_meta = {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "date": doc.date,
        "lang": doc.lang,
        **doc.meta,
        "translation_of": doc.translation_of,
        "source": doc.source if doc.source != doc.path else "",
        "source_url": doc.source_url,
    }
    if suffix in (".md", ".markdown", ".txt"):
        target = folder / f"{doc.doc_id}.md"
        write_atomic(target, _front_matter(full_meta, doc.body))
    else:
        target = folder / f"{doc.doc_id}{suffix}"
        write_atomic(sidecar(target), yaml.safe_dump(full_meta, allow_unicode=True).encode())
        write_atomic(target, data)
    if replace and replace.path:
        old = corpus / replace.path
        if old.resolve() != target.resolve():
            remove_file(old)
    return read_stored(corpus, target)


def read_stored(corpus: Path, path: Path) -> Document:
    from indexer.readers import read_document

    return read_document(path, corpus)


def remove_file(path: Path) -> None:
    for p in (path, sidecar(path)):
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)


def delete_document(corpus: Path, doc: Document) -> None:
    if not doc.path:
        raise DocumentError(f"document {doc.doc_id!r} has no file in the corpus")
    remove_file(corpus / doc.path)
