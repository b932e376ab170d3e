"""A snapshot's Milvus-backed indexes: the collection its manifest names, through one client per URI."""

from __future__ import annotations

from typing import Any

from indexer.index import snapshot_files as snap
from indexer.index.backends import LexicalBackend, VectorBackend
from indexer.index.milvus_schema import DENSE, MT_DENSE
from indexer.index.milvus_search import MilvusLexical, MilvusVectors

_CLIENTS: dict[str, Any] = {}


def client(uri: str) -> Any:
    """One client per URI for the process: milvus-lite runs one embedded server per database file."""
    from indexer.index.milvus_write import connect

    if uri not in _CLIENTS:
        try:
            _CLIENTS[uri] = connect(uri)
        except ImportError as exc:
            need = "the Milvus backend needs its extra: pip install -e '.[milvus]'"
            raise snap.SnapshotError(f"{need} ({exc})") from None
    return _CLIENTS[uri]


def close(uri: str) -> None:
    """Close the client of `uri`, and stop the embedded server of a local database file."""
    found = _CLIENTS.pop(uri, None)
    if found is not None:
        found.close()
    if "://" not in uri:
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(uri)


def open_milvus(
    uri: str, version: str, manifest: dict[str, Any], passages: int
) -> tuple[LexicalBackend, VectorBackend, LexicalBackend | None, VectorBackend | None]:
    """(BM25, vectors, translations' BM25, translations' vectors) of `version`'s collection at `uri`."""
    entry = manifest.get("milvus") or {}
    name = entry.get("collection")
    if not name:
        raise snap.SnapshotError(f"snapshot {version} was not published to Milvus (bnc index --backend milvus)")
    c = client(uri)
    if not c.has_collection(name):
        raise snap.SnapshotError(f"snapshot {version}: collection {name} is not in Milvus at {uri}")
    c.load_collection(name)
    rows = int(entry.get("rows", -1))
    if rows != passages:
        raise snap.SnapshotError(f"snapshot {version}: collection {name} holds {rows} rows for {passages} passages")
    has_mt = bool((manifest.get("doc_mt") or {}).get("available"))
    has_mt_vectors = bool((manifest.get("doc_mt_vectors") or {}).get("available"))
    return (
        MilvusLexical(c, name),
        MilvusVectors(c, name, rows, DENSE),
        MilvusLexical(c, name, "mt") if has_mt else None,
        MilvusVectors(c, name, rows, MT_DENSE) if has_mt_vectors else None,
    )
