"""Bulk import: files or folders into the corpus through the one writer, with a report per file.

Every file goes through CorpusStore (ids unique, 409-style refusals, the sender's bytes kept);
one bad file is a row with its error, never a stop. `bnc add` builds once afterwards and fills
in the translation each document was paired with."""

from __future__ import annotations

import os
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
    action: str  # "added", "would add", "refused"
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


def import_files(paths: Iterable[Path]) -> list[Path]:
    """The supported files named, folders walked (hidden entries and sidecars skipped), in order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                out += [
                    Path(dirpath) / n
                    for n in sorted(filenames)
                    if not n.startswith(".")
                    and not n.endswith(META_SUFFIX)
                    and Path(n).suffix.lower() in SUPPORTED_SUFFIXES
                ]
        else:
            out.append(path)
    return out


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
) -> list[ImportRow]:
    """Store each file (or, dry run, only check it); a row per file, errors included."""
    rows: list[ImportRow] = []
    planned: dict[str, str] = {}  # doc_id -> file, for a dry run's collisions within the batch
    for path in import_files(paths):
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise DocumentError(f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")
            upload = Upload(path.read_bytes(), path.name)
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
