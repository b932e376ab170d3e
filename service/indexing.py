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
    milvus_uri: str | None = None,
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
        current = up_to_date(
            index_dir,
            loaded.documents,
            encoder,
            doc_mt=doc_mt,
            doc_mt_vectors=doc_mt_vectors,
            milvus=milvus_uri is not None,
        )
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
        milvus_uri=milvus_uri,
    )
    return Rebuild(loaded, report, report.version)
