"""The served snapshot a build starts from, and what changed since: reuse is decided here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from indexer.encoders import Encoder
from indexer.index import retention
from indexer.index import snapshot_files as snap
from indexer.index.analysis import ANALYZERS
from indexer.index.embcache import text_key
from indexer.index.lexical import LEXICAL_FORMAT
from indexer.index.sentences import SENTENCE_SPLIT, SentenceTable
from indexer.index.vectors import VectorIndex, extend_vectors, index_kind
from indexer.ingest.splitter import SPLIT_RULES
from indexer.types import Document, Passage


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
class Previous:
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
    pairing_rules: int = 0  # indexer.index.pairing.RULES of the build (0: older than the entry)
    pairing_translator: dict[str, Any] | None = None  # the translator whose output pairing weighed, if any
    same_encoder: bool = False  # vectors and pairs were loaded: they can be reused
    vector_index: VectorIndex | None = None  # the served vectors, when same_encoder
    sentences: SentenceTable | None = None  # the served sentence table, when same_encoder and split alike

    @property
    def passage_ids(self) -> set[str]:
        return {p.passage_id for ps in self.passages.values() for p in ps}


def load_previous(index_dir: Path, encoder: Encoder) -> Previous:
    """The served snapshot's documents, passages and vectors, if it was built with this encoder.

    "Served" follows the same rule as the service: CURRENT, or when CURRENT is broken the newest
    snapshot that verifies, so a repair build reuses what it can."""
    version, _problem = retention.serving_version(index_dir, verify=True)
    path = snap.snapshots_dir(index_dir) / str(version)
    if not version or not path.is_dir():
        return Previous()
    try:
        manifest = snap.read_manifest(path, verify=False)  # serving_version verified it
    except snap.SnapshotError:
        return Previous()
    prev = Previous(version, path, {d: m.get("fingerprint", m["sha256"]) for d, m in manifest["documents"].items()})
    prev.first_seen = first_seen_of(manifest)
    passages = snap.rows_to_passages(snap.passage_rows(path))
    for p in passages:
        prev.passages.setdefault(p.doc_id, []).append(p)
    prev.lexical_compatible = manifest.get("lexical") == LEXICAL_FORMAT and manifest.get("analyzers") == ANALYZERS
    prev.records = {d: m.get("record", "") for d, m in manifest["documents"].items()}
    prev.superseded = {r["old"] for r in manifest.get("revisions", [])}
    prev.pairing_rules = int((manifest.get("pairing") or {}).get("rules", 0))
    prev.pairing_translator = (manifest.get("pairing") or {}).get("translator")
    if manifest["encoder"]["id"] == encoder.id:
        prev.same_encoder = True
        prev.vector_index = VectorIndex.load(path / "vectors.faiss")
        vectors = prev.vector_index.vectors()
        prev.vectors = {text_key(p.text): vectors[i] for i, p in enumerate(passages)}
        prev.pairs = snap.pair_rows(path)
        if manifest.get("sentences", {}).get("split") == SENTENCE_SPLIT:
            prev.sentences = SentenceTable.load(path)
    return prev


def previous_rows(prev: Previous, passages: list[Passage], unchanged: set[str]) -> np.ndarray:
    """Per row of `passages`, its row in the previous snapshot when its document is unchanged, else -1."""
    old_row: dict[str, int] = {}
    for ps in prev.passages.values():
        for p in ps:
            old_row[p.passage_id] = len(old_row)
    return np.array([old_row.get(p.passage_id, -1) if p.doc_id in unchanged else -1 for p in passages], np.int64)


def extended_vectors(
    prev: Previous, passages: list[Passage], vectors: np.ndarray, exact_max: int, only_added: bool
) -> VectorIndex | None:
    """The previous HNSW graph with the new passages' vectors inserted, when the build only adds
    documents (`only_added`) and stays above `exact_max`; None when the index must be built afresh."""
    served = prev.vector_index
    if not only_added or served is None or len(passages) <= exact_max or index_kind(served.index) == "flat":
        return None
    row_of = {p.passage_id: r for r, p in enumerate(passages)}
    try:
        rows_of_previous = np.array([row_of[p.passage_id] for ps in prev.passages.values() for p in ps], np.int64)
    except KeyError:  # a previous passage is gone after all: no reuse
        return None
    if len(rows_of_previous) != served.size:
        return None
    is_new = np.ones(len(passages), dtype=bool)
    is_new[rows_of_previous] = False
    added_rows = np.flatnonzero(is_new).astype(np.int64)
    return extend_vectors(served, rows_of_previous, vectors[added_rows], added_rows)


def first_seen_of(manifest: dict[str, Any]) -> dict[str, str]:
    return {d: m.get("first_seen", manifest["version"]) for d, m in manifest["documents"].items()}


def served_first_seen(index_dir: Path) -> dict[str, str]:
    """When each served document was first indexed: a full rebuild keeps the order of revisions."""
    version, _problem = retention.serving_version(index_dir, verify=False)
    if not version:
        return {}
    try:
        return first_seen_of(snap.read_manifest(snap.snapshots_dir(index_dir) / version, verify=False))
    except (snap.SnapshotError, KeyError):
        return {}


def record_digest(doc: Document) -> str:
    """What the snapshot says about a document besides its text: a sidecar edit (a title, a refused link) changes it."""
    return hashlib.sha256(orjson.dumps(doc.public(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def fingerprint(doc: Document) -> str:
    """What passages, vectors and alignment depend on: the file, its language, its twin and the splitter's rules."""
    return f"{doc.sha256}|{doc.lang}|{doc.translation_of or ''}|{SPLIT_RULES}"


def changes_since(documents: list[Document], passages: list[Passage], prev: Previous) -> Changes:
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
