"""The one build sequence: read the corpus, report what was skipped, build and publish (CLI, service, --watch)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.encoders import Encoder
from indexer.index.build import BuildReport, build_index
from indexer.index.freshness import up_to_date
from indexer.ingest.corpus import CorpusCatalog, CorpusLoad
from indexer.ingest.ocr_cache import OcrCache
from service.config import Settings

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
) -> Rebuild:
    """Index what the corpus holds now; skipped files and warnings go to `warn` (default: the log)."""
    loaded = catalog.load()
    say = warn or log.warning
    for err in loaded.errors:
        say(f"skipped {err}")
    for note in loaded.warnings:
        say(note)
    if not loaded.documents:
        raise NothingToIndex(f"no readable documents under {catalog.root}; the served index is unchanged")
    if skip_if_current and not full:
        current = up_to_date(index_dir, loaded.documents, encoder, doc_mt=doc_mt, doc_mt_vectors=doc_mt_vectors)
        if current is not None:
            return Rebuild(loaded, None, current)
    report = build_index(
        loaded.documents,
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
    )
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
