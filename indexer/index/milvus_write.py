"""Write a staged or published snapshot's passages, translations and vectors into a new Milvus collection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from indexer.index import doc_mt, doc_mt_vectors
from indexer.index import snapshot_files as snap
from indexer.index.milvus_schema import DENSE, FIELDS, MT_DENSE, collection_name, create_collection
from indexer.index.vectors import VectorIndex
from indexer.types import LANGS

BATCH = 500  # rows per insert: well under Milvus's 64 MB gRPC message at 384-dim vectors and 1 KB passages


def connect(uri: str) -> Any:
    """A pymilvus client: a server's http(s) URI, or a local file path for the embedded engine (milvus-lite)."""
    from pymilvus import MilvusClient

    return MilvusClient(uri)


def _rows(folder: Path, manifest: dict[str, Any], dates: dict[str, str]) -> Iterator[dict[str, Any]]:
    passages = list(snap.passage_rows(folder))
    vectors = VectorIndex.load(folder / "vectors.faiss").vectors()
    mt_index = doc_mt_vectors.load(folder, manifest, len(passages))
    mt_vectors = mt_index.vectors() if mt_index is not None else np.zeros_like(vectors)
    translations: dict[str, tuple[str, str]] = {}
    if (folder / doc_mt.FILE).is_file():
        translations = {r["pid"]: (r["lang"], r["text"]) for r in snap.iter_jsonl(folder / doc_mt.FILE)}
    for row, p in enumerate(passages):
        mt_lang, mt_text = translations.get(p["passage_id"], ("", ""))
        out: dict[str, Any] = {
            "pk": row,
            "pid": p["passage_id"],
            "doc_id": p["doc_id"],
            "lang": p["lang"],
            "date": dates.get(p["doc_id"], ""),
            DENSE: vectors[row].tolist(),
            MT_DENSE: mt_vectors[row].tolist(),
        }
        for lang in LANGS:
            out[FIELDS["text"][lang]] = p["text"]
            out[FIELDS["mt"][lang]] = mt_text if mt_lang == lang else ""
        yield out


def write_collection(client: Any, folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """A new collection for the snapshot in `folder` (its files written; `manifest` its manifest so far);
    returns the manifest's `milvus` entry. A collection left by an interrupted write is replaced."""
    name = collection_name(str(manifest["version"]))
    if client.has_collection(name):
        client.drop_collection(name)
    create_collection(client, name, int(manifest["encoder"]["dim"]))
    docs, _ = snap.read_document_headers(folder / snap.DOCUMENTS)
    dates = {d.doc_id: d.date or "" for d in docs}
    batch: list[dict[str, Any]] = []
    count = 0
    for row in _rows(folder, manifest, dates):
        batch.append(row)
        if len(batch) == BATCH:
            client.insert(name, batch)
            count, batch = count + len(batch), []
    if batch:
        client.insert(name, batch)
        count += len(batch)
    client.flush(name)
    client.load_collection(name)
    return {"collection": name, "rows": count, "doc_mt": bool(manifest.get("doc_mt", {}).get("available"))}
