"""Build a snapshot from documents: split, encode (only what changed), lexical, vectors, publish."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from tqdm import tqdm

from indexer.encoders import Encoder, runtime_of
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.align import translation_pairs
from indexer.index.analysis import ANALYZERS
from indexer.index.embcache import EmbeddingCache, encode_with_cache, text_key
from indexer.index.lexical import LEXICAL_FORMAT, build_lexical, extend_lexical
from indexer.index.pairing import Reuse, link_rows
from indexer.index.revisions import Revision, detect_revisions
from indexer.index.pairing import link_rows
from indexer.index.sentences import build_sentences
from indexer.index.vectors import EXACT_MAX, VectorIndex, build_vectors, index_kind
from indexer.ingest.splitter import MAX_WORDS, split_document
from indexer.types import Document, Passage

LOCK_FILE = ".build.lock"
KEEP_SNAPSHOTS = 2  # the current one and the previous, for readers still holding it


class BuildLocked(RuntimeError):
    """Another build holds the index lock."""


class BuildCancelled(RuntimeError):
    """The build was asked to stop; nothing was published and its staging directory is gone."""


@dataclass
class Changes:
    """What a build changes relative to the snapshot it replaces."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    passages_added: int = 0
    passages_removed: int = 0


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Previous:
    version: str | None = None
    path: Path | None = None
    doc_sha: dict[str, str] = field(default_factory=dict)
    passages: dict[str, list[Passage]] = field(default_factory=dict)  # by doc_id
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # text_key -> vector
    pairs: list[dict[str, Any]] = field(default_factory=list)
    lexical_compatible: bool = False
    first_seen: dict[str, str] = field(default_factory=dict)  # doc_id -> version it was first built into
    records: dict[str, str] = field(default_factory=dict)  # doc_id -> record digest
    superseded: set[str] = field(default_factory=set)
    same_encoder: bool = False  # vectors and pairs were loaded: they can be reused

    @property
    def passage_ids(self) -> set[str]:
        return {p.passage_id for ps in self.passages.values() for p in ps}


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


def _load_previous(index_dir: Path, encoder: Encoder) -> _Previous:
    """The served snapshot's documents, passages and vectors, if it was built with this encoder.

    "Served" follows the same rule as the service: CURRENT, or when CURRENT is broken the newest
    snapshot that verifies, so a repair build reuses what it can."""
    version, _problem = retention.serving_version(index_dir, verify=True)
    path = snap.snapshots_dir(index_dir) / str(version)
    if not version or not path.is_dir():
        return _Previous()
    try:
        manifest = snap.read_manifest(path, verify=False)  # serving_version verified it
    except snap.SnapshotError:
        return _Previous()
    prev = _Previous(version, path, {d: m.get("fingerprint", m["sha256"]) for d, m in manifest["documents"].items()})
    prev.first_seen = _first_seen(manifest)
    passages = snap.rows_to_passages(snap.passage_rows(path))
    for p in passages:
        prev.passages.setdefault(p.doc_id, []).append(p)
    prev.lexical_compatible = manifest.get("lexical") == LEXICAL_FORMAT and manifest.get("analyzers") == ANALYZERS
    prev.records = {d: m.get("record", "") for d, m in manifest["documents"].items()}
    prev.superseded = {r["old"] for r in manifest.get("revisions", [])}
    if manifest["encoder"]["id"] == encoder.id:
        prev.same_encoder = True
        vectors = VectorIndex.load(path / "vectors.faiss").vectors()
        prev.vectors = {text_key(p.text): vectors[i] for i, p in enumerate(passages)}
        prev.pairs = snap.pair_rows(path)
    return prev


def _first_seen(manifest: dict[str, Any]) -> dict[str, str]:
    return {d: m.get("first_seen", manifest["version"]) for d, m in manifest["documents"].items()}


def _served_first_seen(index_dir: Path) -> dict[str, str]:
    """When each served document was first indexed: a full rebuild keeps the order of revisions."""
    version, _problem = retention.serving_version(index_dir, verify=False)
    if not version:
        return {}
    try:
        return _first_seen(snap.read_manifest(snap.snapshots_dir(index_dir) / version, verify=False))
    except (snap.SnapshotError, KeyError):
        return {}


def record_digest(doc: Document) -> str:
    """What the snapshot says about a document besides its text: a sidecar edit (a title, a refused link) changes it."""
    return hashlib.sha256(orjson.dumps(doc.public(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def fingerprint(doc: Document) -> str:
    """What passages, vectors and alignment depend on: the file, its language and its twin."""
    return f"{doc.sha256}|{doc.lang}|{doc.translation_of or ''}"


def _changes(documents: list[Document], passages: list[Passage], prev: _Previous) -> Changes:
    out = Changes()
    for doc in documents:
        if doc.doc_id not in prev.doc_sha:
            out.added.append(doc.doc_id)
        elif prev.doc_sha[doc.doc_id] != fingerprint(doc):
            out.changed.append(doc.doc_id)
        else:
            out.unchanged += 1
    out.removed = sorted(set(prev.doc_sha) - {d.doc_id for d in documents})
    ids = {p.passage_id for p in passages}
    out.passages_added = len(ids - prev.passage_ids)
    out.passages_removed = len(prev.passage_ids - ids)
    return out


def _link_reuse(documents: list[Document], prev: _Previous, changes: Changes, superseded: set[str]) -> Reuse | None:
    """The last build's detected links can stand when this build only adds documents.

    A change, a removal, a new revision or an edited record can bring two unchanged documents
    into candidacy that were never aligned (indexer.index.pairing), so those builds detect afresh."""
    if not prev.same_encoder or changes.changed or changes.removed or superseded != prev.superseded:
        return None
    added = set(changes.added)
    if any(prev.records.get(d.doc_id) != record_digest(d) for d in documents if d.doc_id not in added):
        return None
    return Reuse(prev.pairs, added)


def _pairs(
    documents: list[Document],
    passages: list[Passage],
    vectors: np.ndarray,
    prev: _Previous,
    changes: Changes,
    superseded: set[str],
) -> list[dict[str, Any]]:
    """Reuse the previous alignment of untouched translation pairs; align the others afresh."""
    touched = set(changes.added) | set(changes.changed)
    live = {p.passage_id: p.doc_id for p in passages}
    kept: dict[frozenset[str], list[dict[str, Any]]] = {}
    for pair in prev.pairs:
        docs = frozenset((live.get(pair["a"]), live.get(pair["b"])))
        if None not in docs and not docs & touched:
            kept.setdefault(docs, []).append(pair)  # type: ignore[arg-type]
    out: list[dict[str, Any]] = []
    fresh: list[Document] = []
    for doc in documents:
        if not doc.translation_of:
            continue
        key = frozenset((doc.doc_id, doc.translation_of))
        if key in kept:
            out.extend(kept[key])
        else:
            fresh.append(doc)
    out.extend(
        {"a": passages[a].passage_id, "b": passages[b].passage_id, "sim": s}
        for a, b, s in translation_pairs(fresh, passages, vectors)
    )
    # pairs of documents naming none (indexer.index.pairing); an older version's translation is the latest's
    out.extend(link_rows(documents, passages, vectors, superseded, _link_reuse(documents, prev, changes, superseded)))
    return out


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
) -> BuildReport:
    """Write a new snapshot for `documents` and make it CURRENT; the old one serves until then.

    Incremental by default: vectors of unchanged passages come from the current snapshot or the
    embedding cache. `full=True` ignores both and encodes everything again. `cancelled` is polled
    between stages and encoder batches; when it says so the build raises BuildCancelled, leaving
    CURRENT as it was and the vectors encoded so far in the cache.
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
            prev = _Previous(first_seen=_served_first_seen(index_dir)) if full else _load_previous(index_dir, encoder)
            unchanged = {
                d.doc_id: prev.passages[d.doc_id] for d in documents if prev.doc_sha.get(d.doc_id) == fingerprint(d)
            }
            passages = split_all(documents, unchanged)
            changes = _changes(documents, passages, prev)
            revisions = detect_revisions(documents, prev.first_seen)
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

                    sentences, _ = build_sentences(passages, encoder, cache, advance_sentences, read_cache=not full)
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
            vindex = VectorIndex(build_vectors(vectors, exact_max))
            vindex.save(staging / "vectors.faiss")
            timings["vectors"] = time.perf_counter() - t0

            check()
            t0 = time.perf_counter()
            pairs = _pairs(documents, passages, vectors, prev, changes, {r.old for r in revisions})
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
                "vectors": {"kind": index_kind(vindex.index), "exact_max": exact_max},
                "counts": {"documents": len(documents), "passages": len(passages), "pairs": len(pairs)},
                "sentences": {"count": len(sentences)},
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
            }
            snap.finish_snapshot(staging, manifest, prev.path)
            snap.publish(index_dir, version)
            removed = cleaned + retention.remove_stale(index_dir, keep=keep)
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
        )


def up_to_date(index_dir: Path, documents: list[Document], encoder: Encoder) -> str | None:
    """The version CURRENT names when it already holds exactly `documents` for this encoder, else None.

    A broken CURRENT is never up to date: a build is what repairs it."""
    version, problem = snap.read_current(index_dir)
    if version is None or problem is not None:
        return None
    try:
        manifest = snap.read_manifest(snap.snapshots_dir(index_dir) / version, verify=False)
    except snap.SnapshotError:
        return None
    if manifest.get("encoder", {}).get("id") != encoder.id or "sentences" not in manifest:
        return None  # built before sentence vectors: one rebuild adds them
    served = {
        d: (m.get("fingerprint", m.get("sha256")), m.get("record")) for d, m in manifest.get("documents", {}).items()
    }
    return version if served == {d.doc_id: (fingerprint(d), record_digest(d)) for d in documents} else None
