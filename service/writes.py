"""Document writes as use cases: store the file durably, then queue the build that publishes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.ingest.corpus_files import CorpusStore, Upload
from indexer.types import Document
from service.builds import BuildRunner, JobResult


@dataclass
class Receipt:
    """What the sender is told: the write is on disk; `job` is the build that will publish it."""

    action: str  # added | replaced | deleted | refused | reindex
    job: int
    document: Document | None = None
    warnings: list[str] = field(default_factory=list)

    def content(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "job": self.job, "follow": "/api/index"}
        if self.document is not None:
            doc = self.document
            out.update(doc_id=doc.doc_id, lang=doc.lang, title=doc.title, path=doc.path)
        if self.warnings:
            out["warnings"] = self.warnings
        return out


class DocumentWrites:
    """Add, replace, delete and reindex; each write is acknowledged only once it is on disk."""

    def __init__(self, store: CorpusStore, builds: BuildRunner) -> None:
        self.store = store
        self.builds = builds

    def add(self, upload: Upload) -> Receipt:
        stored = self.store.add(upload)
        return Receipt("added", self.builds.request(), stored.document, stored.warnings)

    def replace(self, doc_id: str, upload: Upload) -> Receipt:
        stored = self.store.replace(doc_id, upload)
        return Receipt("replaced", self.builds.request(), stored.document, stored.warnings)

    def delete(self, doc_id: str) -> Receipt:
        # the job is asked for only once the file is gone: a build that starts in between must not
        # be able to cover this job while still reading the old corpus
        removed = self.store.delete(doc_id)
        return Receipt("deleted", self.builds.request(), removed)

    def refuse(self, doc_id: str, kind: str, other: str) -> Receipt:
        """Refuse a detected translation or revision link; the build that follows unlinks the two."""
        stored = self.store.refuse(doc_id, kind, other)
        return Receipt("refused", self.builds.request(), stored.document)

    def reindex(self, full: bool = False) -> Receipt:
        return Receipt("reindex", self.builds.request(full=full))

    def wait(self, receipt: Receipt, timeout: float) -> JobResult | None:
        """The outcome of the build covering the receipt's job, or None if it is still running."""
        if not self.builds.wait(receipt.job, timeout):
            return None
        return self.builds.result(receipt.job)
