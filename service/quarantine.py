"""Documents set aside after two failed builds, so that the next build publishes everything else.

A build that fails (or is cancelled) is charged to its suspects: the documents it had to index
that the served snapshot does not hold as they are (new or changed). When documents are
suspects of two failed builds in a row, builds without half of them at a time find the one
that fails (the others are published on the way); it is quarantined: later builds leave it
out, `/api/index` and the log name it with the reason, until its file changes, it is deleted,
or a full reindex gives it another try. A single strike is forgiven by the next build that
publishes."""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from indexer.files import write_atomic
from indexer.index import snapshot_files as snap
from indexer.index.previous import fingerprint
from indexer.types import Document

log = logging.getLogger("bnc.builds")
FILE = "QUARANTINE.json"
STRIKES = 2


class Quarantine:
    """The strikes against documents, kept in `<index>/QUARANTINE.json` across restarts."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / FILE
        self._lock = threading.Lock()
        try:
            loaded = json.loads(self.path.read_text("utf-8"))
            self._records: dict[str, dict[str, Any]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self._records = {}

    def hold(self, documents: list[Document]) -> tuple[list[Document], list[dict[str, Any]]]:
        """The documents to build, and the records of those left out (quarantined, file unchanged)."""
        with self._lock:
            kept, held = [], []
            for doc in documents:
                rec = self._records.get(doc.doc_id)
                if rec and rec["strikes"] >= STRIKES and rec["fingerprint"] == fingerprint(doc):
                    held.append({"doc_id": doc.doc_id, "path": doc.path, **rec})
                else:
                    kept.append(doc)
            return kept, held

    def failed(self, suspects: list[Document], reason: str) -> list[str]:
        """Charge a failed build to its suspects; the ids quarantined by this failure."""
        now: list[str] = []
        with self._lock:
            fresh: dict[str, dict[str, Any]] = {
                d: r for d, r in self._records.items() if r["strikes"] >= STRIKES
            }  # one strike is forgotten unless this build charges it again
            for doc in suspects:
                old = self._records.get(doc.doc_id)
                strikes = old["strikes"] + 1 if old and old["fingerprint"] == fingerprint(doc) else 1
                fresh[doc.doc_id] = {
                    "fingerprint": fingerprint(doc),
                    "strikes": strikes,
                    "reason": reason[:500],
                    "since": old["since"] if old and strikes > 1 else time.time(),
                }
                if strikes == STRIKES:
                    now.append(doc.doc_id)
            self._records = fresh
            self._save()
        return now

    def confirm(self, caught: list[str], culprits: set[str]) -> None:
        """Of the documents `failed` caught together, keep only `culprits` quarantined (the rest were
        built without failing) and say so in the log."""
        with self._lock:
            for doc_id in caught:
                if doc_id not in culprits:
                    self._records.pop(doc_id, None)
            self._save()
            for doc_id in sorted(culprits):
                reason = self._records.get(doc_id, {}).get("reason")
                log.error("quarantined %s: %s, twice; builds leave it out until its file changes", doc_id, reason)

    def published(self) -> None:
        """A build published: single strikes are forgiven."""
        with self._lock:
            kept = {d: r for d, r in self._records.items() if r["strikes"] >= STRIKES}
            if kept != self._records:
                self._records = kept
                self._save()

    def release(self) -> None:
        """A full reindex gives every quarantined document another try."""
        with self._lock:
            if self._records:
                self._records = {}
                self._save()

    def report(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"doc_id": d, "reason": r["reason"], "since": r["since"]}
                for d, r in sorted(self._records.items())
                if r["strikes"] >= STRIKES
            ]

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self._records, indent=1).encode())
        except OSError as exc:
            log.warning("could not record the quarantine: %s", exc)


def suspects(index_dir: Path, documents: list[Document]) -> list[Document]:
    """The documents the served snapshot does not hold as they are (all of them without one)."""
    version, problem = snap.read_current(index_dir)
    served: dict[str, Any] = {}
    if version is not None and problem is None:
        try:
            manifest = snap.read_manifest(snap.snapshots_dir(index_dir) / version, verify=False)
            served = {d: m.get("fingerprint", m.get("sha256")) for d, m in manifest.get("documents", {}).items()}
        except snap.SnapshotError:
            served = {}
    return [d for d in documents if served.get(d.doc_id) != fingerprint(d)]
