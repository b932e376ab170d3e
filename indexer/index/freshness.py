"""Whether the served snapshot already holds exactly these documents, built the way a new build would."""

from __future__ import annotations

from pathlib import Path

from indexer.encoders import Encoder
from indexer.index import snapshot_files as snap
from indexer.index.doc_mt import default_doc_translator
from indexer.index.pairing import RULES as PAIRING_RULES
from indexer.index.previous import fingerprint, record_digest
from indexer.types import Document


def up_to_date(
    index_dir: Path,
    documents: list[Document],
    encoder: Encoder,
    *,
    doc_mt: bool = True,
    doc_mt_vectors: bool = True,
    milvus: bool = False,
) -> str | None:
    """The version CURRENT names when it already holds exactly `documents` for this encoder, else None.

    A broken CURRENT is never up to date: a build is what repairs it. `doc_mt` / `doc_mt_vectors` are
    what the next build would be asked for: a snapshot that lacks a part asked for (and possible) is
    not current; one that has a part no longer asked for still is (the next real build drops it).
    `milvus`: the next build writes a Milvus collection, so a snapshot without one is not current."""
    version, problem = snap.read_current(index_dir)
    if version is None or problem is not None:
        return None
    try:
        manifest = snap.read_manifest(snap.snapshots_dir(index_dir) / version, verify=False)
    except snap.SnapshotError:
        return None
    if manifest.get("encoder", {}).get("id") != encoder.id or "sentences" not in manifest:
        return None  # built before sentence vectors: one rebuild adds them
    if milvus and not (manifest.get("milvus") or {}).get("collection"):
        return None
    if (manifest.get("pairing") or {}).get("rules") != PAIRING_RULES:
        return None  # translations detected under older rules: one rebuild detects them afresh
    translated = bool((manifest.get("doc_mt") or {}).get("available"))
    if doc_mt and not translated and default_doc_translator().available():
        return None  # built without passage translations, and Apertium is here now: one rebuild adds them
    vectors_entry = manifest.get("doc_mt_vectors")
    if doc_mt and doc_mt_vectors and translated and (vectors_entry is None or vectors_entry.get("reason") == "off"):
        return None  # built before (or without) translation vectors: one rebuild adds them (translations reused)
    served = {
        d: (m.get("fingerprint", m.get("sha256")), m.get("record")) for d, m in manifest.get("documents", {}).items()
    }
    return version if served == {d.doc_id: (fingerprint(d), record_digest(d)) for d in documents} else None
