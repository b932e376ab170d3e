"""The `bnc` command line, run in-process on a real index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.conftest import CORPUS


def test_search_json_matches_api_shape(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = "¿Cuántas tarjetas de cruce fronterizo se emitieron?"
    assert main(["search", q, "--index", str(index_dir), "--doc-lang", "en", "--k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["hits"][0]["lang"] == "en" and out["hits"][0]["citation"]["paragraph"] == 14
    assert len(out["hits"]) == 3


def test_search_plain_output(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "Hague Convention", "--index", str(index_dir), "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert "¶15" in out and "hits for 'Hague Convention'" in out


def test_bad_arguments_exit_2_with_message(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "border", "--index", str(index_dir), "--k", "500"]) == 2
    assert "k:" in capsys.readouterr().err
    assert main(["search", "border", "--index", str(index_dir / "missing")]) == 2
    assert "run `bnc index` first" in capsys.readouterr().err


def test_index_command_builds_a_snapshot(tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # seed the embedding cache from the session index so this test does not re-encode
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "embeddings.sqlite").write_bytes((index_dir / "cache" / "embeddings.sqlite").read_bytes())
    code = main(["index", "--corpus", str(CORPUS), "--index", str(tmp_path), "--json", "--quiet"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 2 and report["passages"] == 38 and report["encoded"] == 0
    assert (tmp_path / "CURRENT").read_text().strip() == report["version"]
    assert report["outcome"] == "published"


def test_index_on_an_unchanged_corpus_publishes_nothing(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "embeddings.sqlite").write_bytes((index_dir / "cache" / "embeddings.sqlite").read_bytes())
    args = ["index", "--corpus", str(CORPUS), "--index", str(tmp_path), "--quiet"]
    assert main(args) == 0
    capsys.readouterr()
    version = (tmp_path / "CURRENT").read_text().strip()
    published = (tmp_path / "published.log").read_text()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"unchanged: {version} already holds these") and "nothing was published" in out
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"outcome": "unchanged", "version": version, "documents": 2}
    # no new snapshot, no reload for the servers
    assert (tmp_path / "CURRENT").read_text().strip() == version
    assert (tmp_path / "published.log").read_text() == published
    # --full still rebuilds and publishes
    assert main([*args, "--full"]) == 0
    assert (tmp_path / "CURRENT").read_text().strip() != version


@pytest.mark.slow  # builds the ONNX model and an index from scratch
def test_index_says_when_it_builds_the_encoder_model_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BNC_MODEL_CACHE", str(tmp_path / "models"))
    assert main(["index", "--corpus", str(CORPUS), "--index", str(tmp_path / "index")]) == 0
    err = capsys.readouterr().err
    assert "building the ONNX encoder model" in err and "first use" in err
    assert list((tmp_path / "models").glob("*.onnx"))
