"""The one writer of corpus files: unique ids, atomic durable writes, the user's bytes kept as sent."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.files import write_atomic
from indexer.ingest.corpus import CorpusCatalog, sidecar
from indexer.ingest.metadata import dump_metadata, load_metadata
from indexer.ingest.readers import SUPPORTED_SUFFIXES, DocumentError, read_document_bytes
from indexer.ingest.shingles import lead_words, same_text
from indexer.ingest.slugs import slugify
from indexer.types import Document

_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
WRITE_LOCK = ".write.lock"
REFUSALS = {"translation": "not_translation_of", "revision": "not_revision_of"}  # kind -> metadata field


class DocumentExists(DocumentError):
    """The id (or the file it would be stored as) is taken; replacing is an explicit PUT."""

    def __init__(self, message: str, doc_id: str, existing: str) -> None:
        super().__init__(message)
        self.doc_id = doc_id
        self.existing = existing  # corpus-relative path of what holds the id


class DocumentNotFound(DocumentError):
    """No document with that id in the corpus."""

    def __init__(self, message: str, doc_id: str = "") -> None:
        super().__init__(message)
        self.doc_id = doc_id


@dataclass(frozen=True)
class Upload:
    """A document as it arrives: the file's bytes and name, and the form fields that were given."""

    data: bytes
    filename: str
    fields: dict[str, Any] = field(default_factory=dict)  # only fields the sender filled in
    generated: bool = False  # the bytes were made from a JSON body: front matter is ours to write


@dataclass(frozen=True)
class Stored:
    """What a write did: the document as the indexer will read it, and anything the sender should know."""

    document: Document
    warnings: list[str] = field(default_factory=list)
    replaced: Document | None = None


def valid_doc_id(doc_id: str) -> bool:
    return bool(_SAFE_ID.match(doc_id))


def json_upload(text: str, fields: dict[str, Any]) -> Upload:
    """A JSON body as a Markdown file whose front matter holds the (validated, plain-string) fields."""
    head = dump_metadata(fields)
    body = text.rstrip() + "\n"
    data = (b"---\n" + head + b"---\n" if head.strip() and head.strip() != b"{}" else b"") + body.encode()
    # the title names the file, so an id derived from it follows the same precedence as an upload's
    return Upload(data=data, filename=f"{slugify(str(fields.get('title') or 'document'))}.md", generated=True)


class CorpusStore:
    """Adds, replaces and deletes corpus files, one write at a time (threads and processes alike).

    An id is unique across languages and origins: an explicit doc_id, the file's front matter,
    the title or the file name all lead to the same check, and a taken id is DocumentExists,
    never an overwrite. A write is fsynced before it returns."""

    def __init__(self, root: Path, catalog: CorpusCatalog | None = None) -> None:
        self.root = Path(root)
        self.catalog = catalog or CorpusCatalog(self.root)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock, (self.root / WRITE_LOCK).open("a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def find(self, doc_id: str) -> Document | None:
        return self.catalog.find(doc_id)

    def add(self, upload: Upload) -> Stored:
        """Store a new document; DocumentExists when its id or its file name is taken."""
        doc = self._parse(upload)
        with self._writing():
            loaded = self.catalog.load()
            doc = _free_detected_id(doc, loaded.documents)
            _refuse_copy(doc, loaded.documents)
            holder = next((d for d in loaded.documents if d.doc_id == doc.doc_id), None)
            if holder is not None:
                raise DocumentExists(
                    f"document {doc.doc_id!r} exists ({holder.lang}, {holder.path!r}, {holder.title!r}); "
                    f"use PUT /api/documents/{doc.doc_id} to replace it",
                    doc.doc_id,
                    holder.path,
                )
            target = self._target(doc, upload)
            self._refuse_taken_path(target, loaded.skipped)
            return self._write(doc, upload, target, None, loaded.ids())

    def check(self, upload: Upload) -> Document:
        """What add() would store, without writing: DocumentError / DocumentExists as add() raises them."""
        documents = self.catalog.load().documents
        doc = _free_detected_id(self._parse(upload), documents)
        _refuse_copy(doc, documents)
        holder = self.catalog.find(doc.doc_id)
        if holder is not None:
            raise DocumentExists(
                f"document {doc.doc_id!r} exists ({holder.lang}, {holder.path!r})", doc.doc_id, holder.path
            )
        return doc

    def replace(self, doc_id: str, upload: Upload) -> Stored:
        """Replace a document's file and metadata; the doc_id stays whatever the file says."""
        upload = dataclasses.replace(upload, fields={**upload.fields, "doc_id": doc_id})
        doc = self._parse(upload)
        with self._writing():
            loaded = self.catalog.load()
            old = next((d for d in loaded.documents if d.doc_id == doc_id), None)
            if old is None:
                raise DocumentNotFound(f"no document {doc_id!r} in the corpus")
            target = self._target(doc, upload)
            if target != self.root / old.path:
                self._refuse_taken_path(target, loaded.skipped)
            return self._write(doc, upload, target, old, loaded.ids())

    def delete(self, doc_id: str) -> Document:
        with self._writing():
            old = self.catalog.find(doc_id)
            if old is None or not old.path:
                raise DocumentNotFound(f"no document {doc_id!r} in the corpus")
            remove_file(self.root / old.path)
            return old

    def refuse(self, doc_id: str, kind: str, other: str) -> Stored:
        """Refuse a detected link (translation or revision) between two documents, in `doc_id`'s sidecar.

        The file's bytes stay as sent; the sidecar keeps the id the document has now, so refusing
        never renames it. The next build leaves the two unlinked (indexer.index.pairing, .revisions)."""
        key = REFUSALS[kind]
        with self._writing():
            loaded = self.catalog.load()
            docs = {d.doc_id: d for d in loaded.documents}
            doc = docs.get(doc_id)
            if doc is None or not doc.path:
                raise DocumentNotFound(f"no document {doc_id!r} in the corpus")
            if other not in docs or other == doc_id:
                raise DocumentNotFound(f"no other document {other!r} in the corpus", other)
            target = self.root / doc.path
            side = sidecar(target)
            fields: dict[str, Any] = load_metadata(side.read_text("utf-8"), side.name) if side.is_file() else {}
            refused = {x.strip() for x in str(fields.get(key) or doc.meta.get(key, "")).split(",") if x.strip()}
            fields.update({"doc_id": doc.doc_id, key: ", ".join(sorted(refused | {other}))})
            write_atomic(side, dump_metadata(fields))
            stored = dataclasses.replace(doc, meta={**doc.meta, key: fields[key]})
            self.catalog.remember(target, stored)
            return Stored(stored, [], doc)

    def _parse(self, upload: Upload) -> Document:
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            raise DocumentError(
                f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
        fields = {k: v for k, v in upload.fields.items() if v not in (None, "")}
        if "doc_id" in fields and not valid_doc_id(str(fields["doc_id"])):
            raise DocumentError("doc_id: use lowercase letters, digits and '-' (at most 120)")
        # id precedence: a given doc_id, then the file's own front matter, then a given title,
        # then one derived from the detected header, then the file name (read_document_bytes
        # applies all but the title)
        title = fields.get("title")
        fallback = slugify(str(title)) if title else None
        if upload.generated:  # a JSON body's file is named after its title: that is a given title
            fallback = fallback or Path(upload.filename).stem
        doc = read_document_bytes(
            upload.data, upload.filename, fields, fallback_id=fallback, ocr_cache=self.catalog.ocr_cache
        )
        if not valid_doc_id(doc.doc_id):
            raise DocumentError(f"doc_id {doc.doc_id!r} is not valid (lowercase letters, digits and '-')")
        if doc.translation_of == doc.doc_id:
            raise DocumentError("translation_of names the document itself")
        return doc

    def _target(self, doc: Document, upload: Upload) -> Path:
        suffix = ".md" if upload.generated else Path(upload.filename).suffix.lower()
        return self.root / doc.lang / f"{doc.doc_id}{suffix}"

    def _refuse_taken_path(self, target: Path, skipped: dict[str, str]) -> None:
        rel = str(target.relative_to(self.root))
        if target.exists():  # e.g. an unreadable file there: never clobber what we cannot read
            why = skipped.get(rel, "")
            raise DocumentExists(
                f"a file already exists at {rel}{f' ({why})' if why else ''}; remove or fix it first",
                target.stem,
                rel,
            )

    def _write(self, doc: Document, upload: Upload, target: Path, old: Document | None, ids: set[str]) -> Stored:
        target.parent.mkdir(parents=True, exist_ok=True)
        rel = str(target.relative_to(self.root))
        fields = {k: v for k, v in upload.fields.items() if v not in (None, "")}
        # form fields live in a sidecar so the sender's own bytes (and front matter) stay as sent;
        # the sidecar goes first: a crash between the two writes leaves the old file or none
        if fields:
            write_atomic(sidecar(target), dump_metadata({"doc_id": doc.doc_id, **fields}))
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(sidecar(target))
        write_atomic(target, upload.data)
        if old is not None and old.path and (self.root / old.path) != target:
            remove_file(self.root / old.path)
        stored = dataclasses.replace(doc, path=rel, source=doc.source or rel)
        self.catalog.remember(target, stored)
        warnings = []
        if doc.translation_of and doc.translation_of not in ids - {doc.doc_id}:
            warnings.append(
                f"translation_of {doc.translation_of!r} names no document in the corpus yet; "
                "this one is indexed without a twin and is linked when that document arrives"
            )
        warnings += [w for w in doc.meta.get("intake_warnings", "").split("; ") if w]  # e.g. "date not found"
        return Stored(stored, warnings, old)


def _refuse_copy(doc: Document, documents: list[Document]) -> None:
    """DocumentExists when the archive already holds this text under another id (another file name or format).

    Stored again it would be taken for a revision of itself and replace the first in search; a
    copy is refused instead, naming the document that holds it (PUT replaces that one)."""
    head = lead_words(doc.body)
    for other in documents:
        if other.doc_id == doc.doc_id or other.lang != doc.lang or lead_words(other.body) != head:
            continue
        if same_text(other.body, doc.body):
            raise DocumentExists(
                f"the same text is already in the archive as {other.doc_id!r} ({other.path!r}); "
                f"use PUT /api/documents/{other.doc_id} to replace it",
                other.doc_id,
                other.path,
            )


def _free_detected_id(doc: Document, documents: list[Document]) -> Document:
    """An id derived from the header (nobody chose it) that is taken gets the next free suffix.

    A corrected communiqué derives the same id as the one it corrects; stored as `<id>-2` it is
    then found to be a revision (indexer.index.revisions). The same text again keeps the id and
    so collides (409), as does an id someone chose."""
    taken = {d.doc_id: d for d in documents}
    holder = taken.get(doc.doc_id)
    if doc.meta.get("origin_doc_id") != "detected" or holder is None or same_text(holder.body, doc.body):
        return doc
    n = 2
    while f"{doc.doc_id}-{n}" in taken:
        n += 1
    return dataclasses.replace(doc, doc_id=f"{doc.doc_id}-{n}")


def remove_file(path: Path) -> None:
    """The file, then its sidecar (an orphaned sidecar is harmless: the next write at that name replaces it)."""
    for p in (path, sidecar(path)):
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)
    with contextlib.suppress(OSError):
        fd = os.open(str(path.parent), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
