"""The one build sequence: read the corpus, report what was skipped, build and publish (CLI, service, --watch)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.encoders import Encoder
from indexer.index.build import BuildCancelled, BuildReport, build_index
from indexer.index.freshness import up_to_date
from indexer.ingest.corpus import CorpusCatalog, CorpusLoad
from indexer.ingest.ocr_cache import OcrCache
from indexer.types import Document
from service.config import Settings
from service.quarantine import Quarantine, suspects

log = logging.getLogger("bnc.builds")


def corpus_catalog(settings: Settings) -> CorpusCatalog:
    """The corpus folder of these settings, with the OCR cache that spares re-reading scans on each start."""
    return CorpusCatalog(Path(settings.corpus), OcrCache(settings.ocr_cache_path))


class NothingToIndex(RuntimeError):
    """The corpus has no readable document: publishing would empty the served index."""


@dataclass
class Rebuild:
    loaded: CorpusLoad
    report: BuildReport | None  # None when the served index already matched the corpus
    version: str


def _isolate(build: Callable[[list[Document]], BuildReport], documents: list[Document], caught: list[str]) -> set[str]:
    """The one of `caught` that makes the build fail, by building without half of them at a time
    (a build that succeeds publishes, so the innocent half is served on the way)."""
    group = sorted(caught)
    while len(group) > 1:
        half = set(group[: len(group) // 2])
        try:
            build([d for d in documents if d.doc_id not in half])
        except BuildCancelled:
            raise
        except Exception:
            group = group[len(group) // 2 :]  # it fails without the first half: the cause is in the second
        else:
            group = sorted(half)
    return set(group)


def rebuild(
    catalog: CorpusCatalog,
    index_dir: Path,
    encoder: Encoder,
    *,
    full: bool = False,
    keep: int = 2,
    progress: bool = False,
    wait_for_lock: bool = False,
    skip_if_current: bool = False,
    cancelled: Callable[[], bool] | None = None,
    warn: Callable[[str], None] | None = None,
    doc_mt: bool = True,
    doc_mt_vectors: bool = True,
    quarantine: Quarantine | None = None,
    milvus_uri: str | None = None,
) -> Rebuild:
    """Index what the corpus holds now; skipped files and warnings go to `warn` (default: the log).

    With `quarantine`, documents set aside after two failed builds are left out (each named to
    `warn`), and a failed or cancelled build is charged to the documents it was adding."""
    loaded = catalog.load(stop=cancelled)
    if loaded.stopped:
        raise BuildCancelled("the build was cancelled while reading the corpus; the served index is unchanged")
    say = warn or log.warning
    for err in loaded.errors:
        say(f"skipped {err}")
    for note in loaded.warnings:
        say(note)
    documents = loaded.documents
    if quarantine is not None:
        if full:
            quarantine.release()
        documents, held = quarantine.hold(documents)
        for rec in held:
            say(f"quarantined {rec['path'] or rec['doc_id']}: left out of the build ({rec['reason']})")
    if not documents:
        raise NothingToIndex(f"no readable documents under {catalog.root}; the served index is unchanged")
    if skip_if_current and not full:
        current = up_to_date(
            index_dir, documents, encoder, doc_mt=doc_mt, doc_mt_vectors=doc_mt_vectors, milvus=milvus_uri is not None
        )
        if current is not None:
            return Rebuild(loaded, None, current)

    def build(docs: list[Document]) -> BuildReport:
        return build_index(
            docs,
            index_dir,
            encoder,
            full=full,
            progress=progress,
            wait_for_lock=wait_for_lock,
            keep=keep,
            cancelled=cancelled,
            doc_mt=doc_mt,
            doc_mt_vectors=doc_mt_vectors,
            corpus=catalog.root,
            milvus_uri=milvus_uri,
        )

    try:
        report = build(documents)
    except Exception as exc:
        if quarantine is None:
            raise
        reason = "cancelled" if isinstance(exc, BuildCancelled) else f"{type(exc).__name__}: {exc}"
        caught = quarantine.failed(suspects(index_dir, documents), f"the build failed: {reason}")
        if not caught or isinstance(exc, BuildCancelled):
            raise
        culprits = _isolate(build, documents, caught)
        quarantine.confirm(caught, culprits)
        for doc_id in sorted(culprits):
            say(f"quarantined {doc_id}: left out of the build (the build failed: {reason})")
        report = build([d for d in documents if d.doc_id not in culprits])
    if quarantine is not None:
        quarantine.published()
    return Rebuild(loaded, report, report.version)


class CorpusMismatch(Exception):
    """The index was built from another corpus folder than the one named: serving would rebuild it from that one."""


def built_from(index_dir: Path) -> Path | None:
    """The corpus folder the served snapshot records it was built from (None: no snapshot, or built before
    snapshots recorded it)."""
    from indexer.index import retention
    from indexer.index import snapshot_files as snap

    version, _problem = retention.serving_version(index_dir, verify=False)
    if not version:
        return None
    try:
        manifest = snap.read_manifest(snap.snapshots_dir(index_dir) / str(version), verify=False)
    except (snap.SnapshotError, OSError):
        return None
    recorded = manifest.get("corpus")
    return Path(recorded) if recorded else None


def serving_corpus(settings: Settings, named: bool) -> Settings:
    """The settings `bnc serve` runs with: the corpus the index was built from, which it reconciles with.

    `named`: the corpus was named (--corpus or BNC_CORPUS). A named corpus other than the recorded
    one is refused (CorpusMismatch); an index that records none is reconciled only with a named corpus,
    so the default ./corpus never replaces an archive built elsewhere."""
    recorded = built_from(Path(settings.index))
    if recorded is None:
        return settings if named else settings.model_copy(update={"reconcile_on_start": False})
    if named and Path(settings.corpus).resolve() != recorded:
        raise CorpusMismatch(
            f"the index {settings.index} was built from the corpus {recorded}, not {Path(settings.corpus).resolve()}; "
            f"serve it with --corpus {recorded} (or unset BNC_CORPUS), or build another index for that corpus"
        )
    return settings.model_copy(update={"corpus": recorded})
