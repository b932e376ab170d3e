"""Walk a corpus folder (corpus/en, corpus/es, ...) and read every supported file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.readers import SUPPORTED_SUFFIXES, DocumentError, read_document
from indexer.types import Document


@dataclass
class CorpusLoad:
    documents: list[Document] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def corpus_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    )


def load_corpus(root: Path) -> CorpusLoad:
    """Read every document under `root`; unreadable files are reported, never fatal."""
    out = CorpusLoad()
    if not root.is_dir():
        out.errors.append(f"corpus folder {root} does not exist")
        return out
    seen: dict[str, str] = {}
    for path in corpus_files(root):
        try:
            doc = read_document(path, root)
        except DocumentError as exc:
            out.errors.append(str(exc))
            continue
        if doc.doc_id in seen:
            out.errors.append(f"{doc.path}: doc_id {doc.doc_id!r} is already used by {seen[doc.doc_id]}")
            continue
        seen[doc.doc_id] = doc.path
        out.documents.append(doc)
    ids = set(seen)
    for doc in out.documents:
        if doc.translation_of and doc.translation_of not in ids:
            out.errors.append(f"{doc.path}: translation_of {doc.translation_of!r} names no document in the corpus")
    return out
