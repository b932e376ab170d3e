"""Open a published snapshot: verify it, then hold documents, passages and both indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.encoders import Encoder, EncoderMismatch
from indexer.index import doc_mt_vectors
from indexer.index import snapshot_files as snap
from indexer.index.align import twin_map
from indexer.index.backends import LexicalBackend, VectorBackend
from indexer.index.doc_mt import FILE, StoredTexts
from indexer.index.lexical import LexicalIndex
from indexer.index.passage_table import PassageTable
from indexer.index.revisions import Revision
from indexer.index.sentences import SentenceTable
from indexer.index.vectors import VectorIndex
from indexer.ingest.places import place_key
from indexer.types import Document


@dataclass
class IndexSnapshot:
    version: str
    path: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    passages: PassageTable
    lexical: LexicalBackend  # LexicalIndex, or Milvus-backed (indexer.index.milvus_search)
    vectors: VectorBackend  # VectorIndex, or Milvus-backed
    twins: dict[int, list[int]] = field(default_factory=dict)  # row -> aligned rows, other language
    rows: dict[str, int] = field(default_factory=dict)
    doc_rows: dict[str, list[int]] = field(default_factory=dict)
    doc_twins: dict[str, set[str]] = field(default_factory=dict)
    body_offsets: dict[str, int] = field(default_factory=dict)  # doc_id -> offset in documents.jsonl
    detected_links: dict[str, tuple[str, float]] = field(default_factory=dict)  # doc_id -> (twin, score)
    revisions: list[Revision] = field(default_factory=list)  # older version -> next newer (indexer.revisions)
    superseded_by: dict[str, str] = field(default_factory=dict)  # doc_id -> its next newer version
    supersedes: dict[str, str] = field(default_factory=dict)  # doc_id -> the version it replaced
    sentences: SentenceTable | None = None  # None: a snapshot built before sentence vectors (ask encodes them)
    doc_mt: LexicalBackend | None = None  # BM25 over passages' machine translations (indexer.index.doc_mt), if built
    doc_mt_texts: StoredTexts | None = None  # those translations' text, read on first use
    doc_mt_vectors: VectorBackend | None = None  # their passage vectors, row-aligned (indexer.index.doc_mt_vectors)
    places: dict[str, set[str]] = field(default_factory=dict)  # a header place (indexer.ingest.places) -> its doc_ids

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = {pid: i for i, pid in enumerate(self.passages.passage_ids)}
        self.doc_rows = self.passages.doc_rows()
        for doc in self.documents.values():
            if key := place_key(str(doc.meta.get("place") or "")):
                self.places.setdefault(key, set()).add(doc.doc_id)
            if doc.translation_of in self.documents:
                self.doc_twins.setdefault(doc.doc_id, set()).add(doc.translation_of)
                self.doc_twins.setdefault(doc.translation_of, set()).add(doc.doc_id)
        for doc_id, (twin, _) in self.detected_links.items():
            if doc_id in self.documents and twin in self.documents:
                self.doc_twins.setdefault(doc_id, set()).add(twin)
        self.superseded_by = {r.old: r.new for r in self.revisions}
        self.supersedes = {r.new: r.old for r in self.revisions}

    def given_links(self) -> dict[str, str]:
        """Both directions of the translation links named by `translation_of`."""
        out: dict[str, str] = {}
        for doc in self.documents.values():
            if doc.translation_of:
                out[doc.doc_id], out[doc.translation_of] = doc.translation_of, doc.doc_id
        return out

    def document(self, doc_id: str) -> Document:
        """The whole document, body included (read from the snapshot on demand).

        `documents` holds every document's metadata with an empty body: the text of each
        paragraph lives in `passages`, and bodies are needed only to show a whole document."""
        return snap.read_document_at(self.path / snap.DOCUMENTS, self.body_offsets[doc_id])

    @property
    def encoder_id(self) -> str:
        return str(self.manifest["encoder"]["id"])


def open_snapshot(
    index_dir: Path, version: str | None = None, verify: bool = True, milvus_uri: str | None = None
) -> IndexSnapshot:
    """Open CURRENT (or `version`); raises SnapshotError when it is absent or corrupt.

    With `milvus_uri`, BM25 and vectors are searched in the snapshot's Milvus collection (its manifest
    names it) and neither the tantivy nor the FAISS index is loaded; passages, twins, sentences and
    document records still come from the snapshot folder."""
    version = version or snap.current_version(index_dir)
    if not version:
        raise snap.SnapshotError(f"no index at {index_dir}: run `bnc index` first")
    path = snap.snapshots_dir(index_dir) / version
    if not path.is_dir():
        raise snap.SnapshotError(f"CURRENT names snapshot {version}, which does not exist under {path.parent}")
    manifest = snap.read_manifest(path, verify=verify)
    docs, body_offsets = snap.read_document_headers(path / snap.DOCUMENTS)
    passages = PassageTable.from_rows(snap.passage_rows(path))
    rows = {pid: i for i, pid in enumerate(passages.passage_ids)}
    pairs = snap.pair_rows(path)
    lexical: LexicalBackend
    vectors: VectorBackend
    mt_vectors: VectorBackend | None
    if milvus_uri is not None:
        from indexer.index.milvus_open import open_milvus

        lexical, vectors, doc_mt, mt_vectors = open_milvus(milvus_uri, version, manifest, len(passages))
    else:
        lexical, vectors = LexicalIndex(path / "lexical", rows), VectorIndex.load(path / "vectors.faiss")
        doc_mt, mt_vectors = _doc_mt(path, manifest, rows), doc_mt_vectors.load(path, manifest, len(passages))
    if vectors.size != len(passages):
        raise snap.SnapshotError(f"snapshot {version}: {vectors.size} vectors for {len(passages)} passages")
    return IndexSnapshot(
        version=version,
        path=path,
        manifest=manifest,
        documents={d.doc_id: d for d in docs},
        passages=passages,
        lexical=lexical,
        vectors=vectors,
        twins=_twins(rows, pairs),
        rows=rows,
        body_offsets=body_offsets,
        detected_links=_links(pairs),
        revisions=[Revision(**r) for r in manifest.get("revisions", [])],
        sentences=SentenceTable.load(path),
        doc_mt=doc_mt,
        doc_mt_texts=StoredTexts(path / FILE) if doc_mt is not None else None,
        doc_mt_vectors=mt_vectors,
    )


def _doc_mt(path: Path, manifest: dict[str, Any], rows: dict[str, int]) -> LexicalBackend | None:
    entry = manifest.get("doc_mt") or {}
    if not entry.get("available") or not (path / str(entry.get("index"))).is_dir():
        return None
    return LexicalIndex(path / str(entry["index"]), rows)


def _twins(rows: dict[str, int], pairs: list[dict[str, Any]]) -> dict[int, list[int]]:
    return twin_map([(rows[p["a"]], rows[p["b"]], float(p["sim"])) for p in pairs if p["a"] in rows and p["b"] in rows])


def _links(pairs: list[dict[str, Any]]) -> dict[str, tuple[str, float]]:
    """Both directions of the translation links found automatically (rows with a `link`)."""
    out: dict[str, tuple[str, float]] = {}
    for p in pairs:
        if "link" in p:
            a, b, score = p["link"]
            out[str(a)], out[str(b)] = (str(b), float(score)), (str(a), float(score))
    return out


def check_encoder(snapshot: IndexSnapshot, encoder: Encoder) -> None:
    if snapshot.encoder_id != encoder.id or int(snapshot.manifest["encoder"]["dim"]) != encoder.dim:
        raise EncoderMismatch(
            f"index {snapshot.version} was built with encoder {snapshot.encoder_id!r}; "
            f"refusing to query it with {encoder.id!r} (rebuild with `bnc index --full`)"
        )
