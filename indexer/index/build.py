"""Build a snapshot from documents: split, encode (only what changed), lexical, vectors, publish."""

from __future__ import annotations

import fcntl
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from indexer.encoders import Encoder, runtime_of
from indexer.index import milvus_publish, retention
from indexer.index import snapshot_files as snap
from indexer.index.analysis import ANALYZERS
from indexer.index.doc_mt import FILE as DOC_MT_FILE
from indexer.index.doc_mt import DocTranslator, StoredTexts, default_doc_translator, translate_passages
from indexer.index.doc_mt_vectors import build_doc_mt_vectors
from indexer.index.embcache import EmbeddingCache, encode_with_cache
from indexer.index.lexical import LEXICAL_FORMAT, build_lexical, extend_lexical
from indexer.index.links import pair_rows_for
from indexer.index.pairing import RULES as PAIRING_RULES
from indexer.index.previous import (
    Changes,
    Previous,
    changes_since,
    extended_vectors,
    fingerprint,
    load_previous,
    previous_rows,
    record_digest,
    served_first_seen,
)
from indexer.index.revisions import Revision, detect_revisions, excerpt_of
from indexer.index.sentences import SENTENCE_SPLIT, build_sentences
from indexer.index.sketch_cache import SketchCache
from indexer.index.vectors import EXACT_MAX, VectorIndex, build_vectors, index_kind
from indexer.ingest.splitter import MAX_WORDS, split_document
from indexer.types import Document, Passage

log = logging.getLogger(__name__)

LOCK_FILE = ".build.lock"
KEEP_SNAPSHOTS = 2  # the current one and the previous, for readers still holding it


class BuildLocked(RuntimeError):
    """Another build holds the index lock."""


class BuildCancelled(RuntimeError):
    """The build was asked to stop; nothing was published and its staging directory is gone."""


@dataclass
class BuildReport:
    version: str
    previous: str | None
    full: bool
    documents: int
    passages: int
    encoded: int
    reused: int
    changes: Changes
    seconds: dict[str, float] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    # passages published without their machine translation (the translator failed or ran out of time)
    untranslated: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def build_lock(index_dir: Path, wait: bool = False) -> Iterator[None]:
    """One writer per index directory; a second one fails fast (or waits, if asked)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"another build is running on {index_dir}; try again when it finishes") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def split_all(documents: list[Document], reuse: dict[str, list[Passage]] | None = None) -> list[Passage]:
    """Passages of every document; `reuse` holds already split, unchanged documents."""
    reuse = reuse or {}
    return [p for doc in documents for p in reuse.get(doc.doc_id) or split_document(doc)]


def build_index(
    documents: list[Document],
    index_dir: Path,
    encoder: Encoder,
    *,
    full: bool = False,
    progress: bool = False,
    exact_max: int = EXACT_MAX,
    wait_for_lock: bool = False,
    keep: int = KEEP_SNAPSHOTS,
    cancelled: Callable[[], bool] | None = None,
    doc_translator: DocTranslator | None = None,
    doc_mt: bool = True,
    doc_mt_vectors: bool = True,
    corpus: Path | None = None,
    milvus_uri: str | None = None,
) -> BuildReport:
    """Write a new snapshot for `documents` and make it CURRENT; the old one serves until then.

    Incremental by default: vectors of unchanged passages come from the current snapshot or the
    embedding cache. `full=True` ignores both and encodes everything again. `cancelled` is polled
    between stages and encoder batches; when it says so the build raises BuildCancelled, leaving
    CURRENT as it was and the vectors encoded so far in the cache.

    `doc_mt`: translate every passage into the other language for cross-language BM25
    (indexer.index.doc_mt; `doc_translator`, default the process-wide Apertium one). Without
    Apertium the snapshot is built without it, and says so in its manifest. `doc_mt_vectors`: also
    encode those translations as passages into a second vector index (indexer.index.doc_mt_vectors),
    for cross-language dense evidence; it costs one more passage encoding per passage.

    `milvus_uri`: also write the snapshot into a new Milvus collection before it is published (its
    manifest names the collection; indexer.index.milvus_write), and drop the collections of the
    snapshots retention removes.
    """

    def check(_done: int = 0) -> None:
        if cancelled is not None and cancelled():
            raise BuildCancelled("the build was cancelled; the served index is unchanged")

    with build_lock(index_dir, wait=wait_for_lock):
        cleaned = retention.remove_stale(index_dir, keep=0, only_staging=True)  # leftovers of a crashed build
        version = snap.new_version()
        staging = snap.staging_dir(index_dir, version)  # created first: a kill leaves a marker to clean
        try:
            timings: dict[str, float] = {}
            t0 = time.perf_counter()
            documents = sorted(documents, key=lambda d: d.doc_id)
            prev = Previous(first_seen=served_first_seen(index_dir)) if full else load_previous(index_dir, encoder)
            unchanged = {
                d.doc_id: prev.passages[d.doc_id] for d in documents if prev.doc_sha.get(d.doc_id) == fingerprint(d)
            }
            sketches = SketchCache(index_dir / "cache" / "sketches.sqlite")
            try:
                revisions = detect_revisions(documents, prev.first_seen, sketches)
            finally:
                sketches.close()
            excerpts = excerpt_of(revisions)  # contained in a fuller document: linked to it, not indexed twice
            passages = [p for p in split_all(documents, unchanged) if p.doc_id not in excerpts]
            changes = changes_since(documents, passages, prev)
            timings["split"] = time.perf_counter() - t0

            t0 = time.perf_counter()
            cache = EmbeddingCache(index_dir / "cache" / "embeddings.sqlite")
            try:
                with tqdm(total=len(passages), desc="encode", unit="passage", disable=not progress) as bar:

                    def advance(n: int) -> None:
                        bar.update(n)
                        check()

                    vectors, encoded = encode_with_cache(
                        encoder, [p.text for p in passages], cache, advance, known=prev.vectors, read_cache=not full
                    )
                timings["encode"] = time.perf_counter() - t0
                check()
                t0 = time.perf_counter()
                with tqdm(desc="sentences", unit="sentence", disable=not progress) as bar:

                    def advance_sentences(n: int) -> None:
                        bar.update(n)
                        check()

                    def sentence_total(n: int) -> None:
                        bar.total = n
                        bar.refresh()

                    reuse = None
                    if prev.sentences is not None:  # unchanged passages keep their sentences and vectors
                        reuse = (prev.sentences, previous_rows(prev, passages, set(unchanged)))
                    sentences, _ = build_sentences(
                        passages,
                        encoder,
                        cache,
                        advance_sentences,
                        read_cache=not full,
                        total=sentence_total,
                        reuse=reuse,
                    )
                sentences.save(staging)
            finally:
                cache.close()
            timings["sentences"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            drop = set(prev.doc_sha) - set(unchanged)
            # only additions are applied in place: tantivy keeps counting deleted documents in
            # its BM25 statistics until segments merge, so a change or removal rebuilds the
            # lexical index, keeping scores identical to a full build
            if prev.path is not None and prev.lexical_compatible and not drop:
                extend_lexical(
                    prev.path / "lexical", staging / "lexical", [p for p in passages if p.doc_id not in unchanged]
                )
            else:
                build_lexical(passages, staging / "lexical")
            timings["lexical"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            only_added = prev.path is not None and not drop
            translator = (doc_translator or default_doc_translator()) if doc_mt else None
            with tqdm(total=len(passages), desc="translate", unit="passage", disable=not progress) as bar:

                def advance_translate(n: int) -> None:
                    bar.update(n)
                    check()  # after each batch (at most doc_mt.MAX_TIMEOUT_S): a cancel is not held up

                extend = {p.doc_id for p in passages if p.doc_id not in unchanged} if only_added else None
                mt_entry = translate_passages(
                    passages, staging, prev.path, translator, extend, advance_translate, stop=cancelled
                )
            timings["doc_mt"] = time.perf_counter() - t0
            if mt_entry.get("untranslated_count"):
                log.warning(
                    "%d passages published without their machine translation (e.g. %s)",
                    mt_entry["untranslated_count"],
                    ", ".join(mt_entry["untranslated"][:3]),
                )

            check()
            t0 = time.perf_counter()
            with tqdm(total=len(passages), desc="encode translations", unit="passage", disable=not progress) as bar:

                def advance_mt(n: int) -> None:
                    bar.update(n)
                    check()

                mt_vectors_entry = build_doc_mt_vectors(
                    passages,
                    staging,
                    prev,
                    encoder,
                    index_dir / "cache" / "embeddings.sqlite",
                    enabled=doc_mt_vectors,
                    full=full,
                    exact_max=exact_max,
                    only_added=not drop,
                    progress=advance_mt,
                )
            timings["doc_mt_vectors"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            # an add-only build inserts into the served HNSW graph instead of building it again
            vindex = extended_vectors(prev, passages, vectors, exact_max, only_added=not drop) or VectorIndex(
                build_vectors(vectors, exact_max)
            )
            vindex.save(staging / "vectors.faiss")
            timings["vectors"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            translator_id = mt_entry.get("translator") if mt_entry.get("available") else None
            # read only if a short pair needs them
            translations = StoredTexts(staging / DOC_MT_FILE).text if translator_id else None
            superseded = {r.old for r in revisions}
            pairs = pair_rows_for(documents, passages, vectors, prev, changes, superseded, translations, translator_id)
            snap.write_jsonl(staging / snap.PAIRS, pairs)
            timings["align"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            snap.write_jsonl(staging / snap.DOCUMENTS, snap.documents_to_rows(documents))
            snap.write_jsonl(staging / snap.PASSAGES, snap.passages_to_rows(passages))
            manifest = {
                "version": version,
                "previous": prev.version,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "encoder": {"id": encoder.id, "dim": encoder.dim, "runtime": runtime_of(encoder)},
                "analyzers": ANALYZERS,
                "lexical": LEXICAL_FORMAT,
                "splitter": {"max_words": MAX_WORDS},
                "corpus": str(corpus.resolve()) if corpus is not None else None,  # the folder it was built from
                "vectors": {"kind": index_kind(vindex.index), "exact_max": exact_max},
                "counts": {"documents": len(documents), "passages": len(passages), "pairs": len(pairs)},
                "sentences": {"count": len(sentences), "split": SENTENCE_SPLIT},
                "documents": {
                    d.doc_id: {
                        "sha256": d.sha256,
                        "fingerprint": fingerprint(d),
                        "lang": d.lang,
                        "path": d.path,
                        "first_seen": prev.first_seen.get(d.doc_id, version),
                        "record": record_digest(d),
                    }
                    for d in documents
                },
                "revisions": [r.to_dict() for r in revisions],
                "doc_mt": mt_entry,
                "doc_mt_vectors": mt_vectors_entry,
                "pairing": {"rules": PAIRING_RULES, "translator": translator_id},
            }
            if milvus_uri is not None:
                check()
                t1 = time.perf_counter()
                manifest["milvus"] = milvus_publish.write(milvus_uri, staging, manifest)
                timings["milvus"] = time.perf_counter() - t1
            snap.finish_snapshot(staging, manifest, prev.path)
            snap.publish(index_dir, version)
            removed = cleaned + retention.remove_stale(index_dir, keep=keep)
            if milvus_uri is not None:
                milvus_publish.drop_stale(milvus_uri, index_dir)
            timings["publish"] = time.perf_counter() - t0
        except BaseException:
            # a failed build (disk full, encoder error, interrupt) leaves CURRENT as it was
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return BuildReport(
            version=version,
            previous=prev.version,
            full=full,
            documents=len(documents),
            passages=len(passages),
            encoded=encoded,
            reused=len(passages) - encoded,
            changes=changes,
            seconds={k: round(v, 4) for k, v in timings.items()},
            removed=removed,
            revisions=revisions,
            untranslated=int(mt_entry.get("untranslated_count", 0)),
        )
