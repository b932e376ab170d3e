"""Bulk import: files or folders into the corpus through the one writer, with a report per file.

Every file goes through CorpusStore (ids unique, 409-style refusals, the sender's bytes kept);
one bad file is a row with its error, never a stop. `bnc add` builds once afterwards and fills
in the translation each document was paired with."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from indexer.ingest.corpus import META_SUFFIX
from indexer.ingest.corpus_files import CorpusStore, DocumentExists, Upload
from indexer.ingest.doc_errors import DocumentError
from indexer.ingest.readers import SUPPORTED_SUFFIXES
from indexer.types import Document

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # as the admin upload


@dataclass
class ImportRow:
    """One file's outcome, as `bnc add` prints it and the API returns it."""

    file: str
    action: str  # "added", "would add", "refused", "skipped" (not a regular file, a link out of the folder)
    doc_id: str = ""
    lang: str = ""
    lang_confidence: float | None = None
    title: str = ""
    date: str | None = None
    meeting: str = ""
    working_group: str = ""
    paired_with: str = ""
    pair_score: float | None = None
    pair_evidence: str = ""  # what a detected link rests on (indexer.index.pair_evidence)
    duplicate_of: str = ""  # the fuller document this one's text is contained in (an excerpt: not indexed)
    revision_of: str = ""  # the older version this document supersedes (indexer.index.revisions)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_files(paths: Iterable[Path], follow_symlinks: bool = False) -> list[Path]:
    """The supported files named, folders walked (hidden entries and sidecars skipped), in order."""
    return [path for path, why in walk_files(paths, follow_symlinks) if not why]


def walk_files(paths: Iterable[Path], follow_symlinks: bool = False) -> list[tuple[Path, str]]:
    """Each candidate file with "" or the reason it is skipped: only regular files are read, and a
    symbolic link that leads out of the folder given is not followed unless `follow_symlinks`
    (nor is a linked folder); FIFOs, devices and sockets would hang or flood the reader."""
    out: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            out.append((path, _skip_reason(path, None, follow_symlinks)))
            continue
        root = path.resolve()
        seen: set[Path] = set()
        for dirpath, dirnames, filenames in os.walk(path, followlinks=follow_symlinks):
            real = Path(dirpath).resolve()
            if real in seen:  # a link cycle, followed once
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            out += [
                (Path(dirpath) / n, _skip_reason(Path(dirpath) / n, root, follow_symlinks))
                for n in sorted(filenames)
                if not n.startswith(".")
                and not n.endswith(META_SUFFIX)
                and Path(n).suffix.lower() in SUPPORTED_SUFFIXES
            ]
    return out


def _skip_reason(path: Path, root: Path | None, follow_symlinks: bool) -> str:
    try:
        if path.is_symlink() and root is not None and not follow_symlinks:
            target = path.resolve()
            if not target.is_relative_to(root):
                return "a symbolic link out of the folder given; not followed (--follow-symlinks reads it)"
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    return "" if stat.S_ISREG(mode) else f"not a regular file ({_kind(mode)}); skipped"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def read_regular(path: Path, limit: int, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, checked on the open file itself (a file
    swapped for a FIFO or a device after it was listed is refused, never read)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_symlinks else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise DocumentError(f"the file is larger than {limit // (1024 * 1024)} MB")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise DocumentError(f"the file is larger than {limit // (1024 * 1024)} MB")
    return data


def _row(name: str, action: str, doc: Document, warnings: list[str]) -> ImportRow:
    conf = doc.meta.get("origin_lang", "")
    return ImportRow(
        file=name,
        action=action,
        doc_id=doc.doc_id,
        lang=doc.lang,
        lang_confidence=float(conf.split()[1]) if conf.startswith("detected ") else (1.0 if conf == "given" else None),
        title=doc.title,
        date=doc.date,
        meeting=doc.meta.get("meeting", ""),
        working_group=doc.meta.get("working_group", ""),
        paired_with=doc.translation_of or "",
        warnings=warnings,
    )


def import_paths(
    store: CorpusStore,
    paths: Iterable[Path],
    *,
    dry_run: bool = False,
    advance: Callable[[], None] | None = None,
    follow_symlinks: bool = False,
) -> list[ImportRow]:
    """Store each file (or, dry run, only check it); a row per file, errors and skipped entries included."""
    rows: list[ImportRow] = []
    planned: dict[str, str] = {}  # doc_id -> file, for a dry run's collisions within the batch
    for path, skipped in walk_files(paths, follow_symlinks):
        if skipped:
            rows.append(ImportRow(file=str(path), action="skipped", error=skipped))
            continue
        try:
            upload = Upload(read_regular(path, MAX_IMPORT_BYTES), path.name)
        except (DocumentError, OSError) as exc:
            why = str(exc) if isinstance(exc, DocumentError) else f"cannot be read ({exc.strerror or exc})"
            rows.append(ImportRow(file=str(path), action="refused", error=why))
        else:
            rows.append(import_upload(store, upload, str(path), dry_run=dry_run, planned=planned))
        if advance is not None:
            advance()
    return rows


def import_upload(
    store: CorpusStore, upload: Upload, name: str, *, dry_run: bool = False, planned: dict[str, str] | None = None
) -> ImportRow:
    """One file through the one writer (or only checked, dry run); its error is the row's, never raised."""
    try:
        if dry_run:
            doc = store.check(upload)
            if planned is not None:
                if doc.doc_id in planned:
                    raise DocumentExists(f"doc_id {doc.doc_id!r} is also {planned[doc.doc_id]}", doc.doc_id, "")
                planned[doc.doc_id] = name
            return _row(name, "would add", doc, _notes(doc))
        stored = store.add(upload)
        return _row(name, "added", stored.document, stored.warnings)
    except DocumentError as exc:
        return ImportRow(file=name, action="refused", error=str(exc))
    except OSError as exc:  # the corpus disk, not the file: still this file's row
        return ImportRow(file=name, action="refused", error=f"could not be stored ({exc.strerror or exc})")


def _notes(doc: Document) -> list[str]:
    return [w for w in doc.meta.get("intake_warnings", "").split("; ") if w]


def fill_pairs(
    rows: list[ImportRow],
    twins: dict[str, tuple[str, float]],
    given: dict[str, str],
    supersedes: dict[str, str] | None = None,
    evidence: dict[str, str] | None = None,
    excerpts: dict[str, str] | None = None,
) -> None:
    """After the build: which document each imported one is paired with (the score, the evidence), what it
    revises, and the fuller document an excerpt's text is contained in."""
    for row in rows:
        if not row.doc_id or row.action == "refused":
            continue
        row.revision_of = (supersedes or {}).get(row.doc_id, "")
        row.pair_evidence = (evidence or {}).get(row.doc_id, "")
        row.duplicate_of = (excerpts or {}).get(row.doc_id, "")
        if row.doc_id in given:
            row.paired_with, row.pair_score = given[row.doc_id], None
        elif row.doc_id in twins:
            row.paired_with, row.pair_score = twins[row.doc_id]


def format_table(rows: list[ImportRow]) -> str:
    head = [
        "file",
        "action",
        "doc_id",
        "lang",
        "title",
        "date",
        "meeting",
        "working group",
        "paired with",
        "evidence",
        "revision of",
        "excerpt of",
        "warnings",
    ]
    lines = [head]
    for r in rows:
        lang = f"{r.lang} ({r.lang_confidence:.2f})" if r.lang and r.lang_confidence is not None else r.lang
        pair = f"{r.paired_with} ({r.pair_score:.2f})" if r.pair_score is not None else r.paired_with
        notes = "; ".join([*r.warnings, *([r.error] if r.error else [])])
        lines.append(
            [
                Path(r.file).name,
                r.action,
                r.doc_id,
                lang,
                r.title[:50],
                r.date or "",
                r.meeting,
                r.working_group,
                pair,
                r.pair_evidence,
                r.revision_of,
                r.duplicate_of,
                notes,
            ]
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    widths = [min(w, 60) for w in widths]
    return "\n".join(
        "  ".join(str(c)[:w].ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
