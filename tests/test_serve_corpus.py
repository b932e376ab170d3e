"""An index knows its corpus: `bnc serve --index I` reconciles with the folder I was built from, never another."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import main
from service.config import Settings
from service.indexing import CorpusMismatch, built_from, serving_corpus
from tests.helpers import corpus_copy


@pytest.fixture
def built(tmp_path: Path, index_dir: Path) -> tuple[Path, Path]:
    """`bnc index --corpus C --index I` over a copy of the bundled corpus (vectors from the session's cache)."""
    corpus, index = corpus_copy(tmp_path), tmp_path / "index"
    (index / "cache").mkdir(parents=True)
    (index / "cache" / "embeddings.sqlite").write_bytes((index_dir / "cache" / "embeddings.sqlite").read_bytes())
    assert main(["index", "--corpus", str(corpus), "--index", str(index), "--quiet"]) == 0
    return corpus, index


def test_the_manifest_records_the_corpus_and_serve_uses_it(built: tuple[Path, Path]) -> None:
    corpus, index = built
    assert built_from(index) == corpus.resolve()
    # `bnc serve --index I` with no corpus named: the index's own corpus, not ./corpus
    settings = serving_corpus(Settings(index=index), named=False)
    assert settings.corpus == corpus.resolve() and settings.reconcile_on_start


def test_another_corpus_named_is_refused_with_a_clear_error(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, index = built
    other = tmp_path / "elsewhere"
    other.mkdir()
    with pytest.raises(CorpusMismatch, match="was built from the corpus"):
        serving_corpus(Settings(index=index, corpus=other), named=True)
    monkeypatch.setenv("BNC_CORPUS", str(other))
    assert main(["serve", "--index", str(index), "--port", "8641"]) == 2  # refused before anything is served
    err = capsys.readouterr().err
    assert str(corpus.resolve()) in err and "--corpus" in err


def test_an_index_that_records_no_corpus_is_not_rebuilt_from_the_default(index_dir: Path, tmp_path: Path) -> None:
    index = tmp_path / "bare"
    index.mkdir()
    settings = serving_corpus(Settings(index=index), named=False)
    assert settings.reconcile_on_start is False  # nothing recorded, nothing named: serve it as it is
    assert serving_corpus(Settings(index=index, corpus=tmp_path), named=True).reconcile_on_start


def test_bnc_add_to_an_index_stores_in_its_own_corpus(
    built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, index = built
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # a ./corpus here would be the default one
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text(
        "WORKING GROUP ON BORDER HEALTH\nMAY 6, 2003\n\nThe delegations agreed to expand tuberculosis screening.",
        "utf-8",
    )
    assert main(["add", str(inbox), "--index", str(index), "--quiet"]) == 0  # no --corpus: the index's own
    assert any(corpus.rglob("*.txt")) and not (cwd / "corpus").exists()
    assert built_from(index) == corpus.resolve()
