"""Immutable snapshot directories, checksummed manifests and the atomic CURRENT pointer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import orjson

from indexer.files import fsync_dir, write_atomic
from indexer.types import Document, Passage

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
PUBLISHED = "published.log"  # every version made CURRENT, in order: retention and repair follow it
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class SnapshotError(RuntimeError):
    """A snapshot that is missing, incomplete or fails its checksums."""


def new_version() -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{now}-{secrets.token_hex(3)}"


def snapshots_dir(index_dir: Path) -> Path:
    return index_dir / "snapshots"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checksum_tree(root: Path, known: dict[str, str] | None = None, known_root: Path | None = None) -> dict[str, str]:
    """sha256 of every file; a file hard-linked from `known_root` reuses its known digest."""
    out = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name == MANIFEST or p.name.startswith("."):
            continue
        rel = str(p.relative_to(root))
        if known and known_root and rel in known:
            other = known_root / rel
            if other.exists() and os.path.samestat(p.stat(), other.stat()):
                out[rel] = known[rel]
                continue
        out[rel] = file_sha256(p)
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("wb") as fh:
        fh.writelines(orjson.dumps(row) + b"\n" for row in rows)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows one at a time: turning each into an object as it is read keeps a million rows'
    worth of dicts from existing at once (the allocator would keep that peak as RSS)."""
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)


PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.jsonl"
PAIRS = "pairs.jsonl"


def passage_rows(snapshot: Path) -> Iterator[dict[str, Any]]:
    """The one reader of a snapshot's passages.jsonl: rows one at a time, in row order."""
    return iter_jsonl(snapshot / PASSAGES)


def pair_rows(snapshot: Path) -> list[dict[str, Any]]:
    """The one reader of a snapshot's pairs.jsonl (aligned passage ids and their similarity)."""
    return read_jsonl(snapshot / PAIRS)


def documents_to_rows(docs: list[Document]) -> list[dict[str, Any]]:
    return [{**vars(d), "meta": dict(d.meta)} for d in docs]


_PASSAGE_FIELDS = tuple(f.name for f in fields(Passage))


def passages_to_rows(passages: list[Passage]) -> list[dict[str, Any]]:
    return [{name: getattr(p, name) for name in _PASSAGE_FIELDS} for p in passages]


def read_document_headers(path: Path) -> tuple[list[Document], dict[str, int]]:
    """Documents without their bodies, and each one's byte offset in the file.

    A body is read back only when asked for (read_document_at): passages already hold every
    paragraph's text, so keeping bodies too would double the text in memory."""
    docs: list[Document] = []
    offsets: dict[str, int] = {}
    with path.open("rb") as fh:
        offset = 0
        for line in fh:
            if line.strip():
                row = orjson.loads(line)
                row["body"] = ""
                doc = Document(**row)
                docs.append(doc)
                offsets[doc.doc_id] = offset
            offset += len(line)
    return docs, offsets


def read_document_at(path: Path, offset: int) -> Document:
    with path.open("rb") as fh:
        fh.seek(offset)
        return Document(**orjson.loads(fh.readline()))


def rows_to_passages(rows: Iterable[dict[str, Any]]) -> list[Passage]:
    # ids, languages and sections repeat across rows: one shared string each saves memory at scale
    intern = sys.intern
    return [
        Passage(**{**r, "doc_id": intern(r["doc_id"]), "lang": intern(r["lang"]), "section": intern(r["section"])})
        for r in rows
    ]


def finish_snapshot(staging: Path, manifest: dict[str, Any], previous: Path | None = None) -> Path:
    """Checksum the staged files, write the manifest, and move the directory into place."""
    known = None
    if previous is not None:
        known = json.loads((previous / MANIFEST).read_text(encoding="utf-8")).get("files")
    manifest = {**manifest, "format": FORMAT_VERSION, "files": checksum_tree(staging, known, previous)}
    write_atomic(staging / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
    final = staging.parent / manifest["version"]
    os.replace(staging, final)
    fsync_dir(final.parent)
    return final


def publish(index_dir: Path, version: str) -> None:
    if not (snapshots_dir(index_dir) / version / MANIFEST).is_file():
        raise SnapshotError(f"snapshot {version} is not complete; refusing to publish it")
    write_atomic(index_dir / CURRENT, (version + "\n").encode())
    # logged once it is CURRENT: the log never names a version that was not served
    with (index_dir / PUBLISHED).open("ab") as fh:
        fh.write(f"{version}\n".encode())
        fh.flush()
        os.fsync(fh.fileno())


def read_current(index_dir: Path) -> tuple[str | None, str | None]:
    """(version CURRENT names, None) or (None, what is wrong with it); no CURRENT at all is (None, None)."""
    try:
        raw = (index_dir / CURRENT).read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"CURRENT cannot be read ({exc.strerror})"
    try:
        version = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return None, "CURRENT is not a version name (unreadable bytes)"
    if not version:
        return None, "CURRENT is empty"
    if not _VERSION.match(version):
        return None, f"CURRENT is not a version name ({version[:40]!r})"
    return version, None


def is_version_name(name: str) -> bool:
    return bool(_VERSION.match(name))


def current_version(index_dir: Path) -> str | None:
    """The version CURRENT names, or None when it is missing or unreadable."""
    return read_current(index_dir)[0]


def read_manifest(snapshot: Path, verify: bool = True) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{snapshot} has no {MANIFEST}") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{snapshot / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise SnapshotError(f"{snapshot} has format {manifest.get('format')}, expected {FORMAT_VERSION}")
    if verify:
        verify_files(snapshot, manifest)
    return manifest


def verify_files(snapshot: Path, manifest: dict[str, Any]) -> None:
    expected: dict[str, str] = manifest.get("files", {})
    actual = checksum_tree(snapshot)
    missing = sorted(set(expected) - set(actual))
    if missing:
        raise SnapshotError(f"snapshot {snapshot.name} is missing files: {', '.join(missing[:5])}")
    bad = sorted(name for name, digest in expected.items() if actual[name] != digest)
    if bad:
        raise SnapshotError(f"snapshot {snapshot.name} fails its checksums: {', '.join(bad[:5])}")


def staging_dir(index_dir: Path, version: str) -> Path:
    path = snapshots_dir(index_dir) / f".tmp-{version}"
    path.mkdir(parents=True)
    return path
