"""Choosing the retrieval backend from the command line: errors a user can act on, not tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import main
from service.config import Settings


def test_the_milvus_backend_without_a_uri_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--index", str(tmp_path / "index"), "--backend", "milvus", "--quiet"]) == 2
    assert "--milvus-uri or BNC_MILVUS_URI" in capsys.readouterr().err
    assert not (tmp_path / "index").exists()


def test_a_snapshot_not_published_to_milvus_is_refused(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uri = str(index_dir.parent / "never-written.db")
    assert main(["search", "border", "--index", str(index_dir), "--backend", "milvus", "--milvus-uri", uri]) == 2
    assert "was not published to Milvus" in capsys.readouterr().err


def test_the_local_backend_ignores_a_uri() -> None:
    assert Settings(backend="local", milvus_uri="http://example:19530").milvus is None
    assert Settings(backend="milvus", milvus_uri="http://example:19530").milvus == "http://example:19530"


def test_workers_need_a_milvus_server_not_the_embedded_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["serve", "--index", str(tmp_path), "--workers", "2", "--port", "8661"]
    assert main([*args, "--backend", "milvus", "--milvus-uri", str(tmp_path / "milvus.db")]) == 2
    assert "serves one process" in capsys.readouterr().err
