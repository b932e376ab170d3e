"""A build's Milvus side: the collection written before CURRENT switches, and those of removed snapshots dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.index import snapshot_files as snap
from indexer.index.milvus_schema import collection_name

PREFIX = "bnc_"


def write(uri: str, staging: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the staged snapshot's collection; the manifest entry naming it. Until CURRENT names this
    snapshot, the previous snapshot's collection is the one served, so an interrupted write changes nothing."""
    from indexer.index.milvus_open import client
    from indexer.index.milvus_write import write_collection

    return write_collection(client(uri), staging, manifest)


def drop_stale(uri: str, index_dir: Path) -> list[str]:
    """Drop this index's collections whose snapshot folder retention removed (and any an interrupted build left)."""
    from indexer.index.milvus_open import client

    c = client(uri)
    folder = snap.snapshots_dir(index_dir)
    kept = {collection_name(p.name) for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    stale = [n for n in c.list_collections() if n.startswith(PREFIX) and n not in kept]
    for name in stale:
        c.drop_collection(name)
    return stale
