"""A document that made two builds fail is set aside; cancelling stops the corpus read at once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from indexer.encoders import Encoder
from indexer.index.build import BuildCancelled
from indexer.ingest.corpus import CorpusCatalog
from service.builds import BuildRunner
from service.config import Settings
from service.engine import Engine
from service.indexing import rebuild
from service.quarantine import FILE, Quarantine
from tests.helpers import corpus_copy, seeded_index

POISON = "---\nlang: en\n---\n# Poisoned\n\nThe encoder cannot read this passage: POISON.\n"
GOOD = "---\nlang: en\n---\n# Water\n\nThe delegations agreed to share the water of the river in {n}.\n"


class PoisonedEncoder:
    """The real encoder, failing on any passage that holds POISON (an encoder crash on one input)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.id, self.dim = inner.id, inner.dim

    def encode_passages(self, texts: Sequence[str], **kw: Any) -> np.ndarray:
        if any("POISON" in t for t in texts):
            raise RuntimeError("the encoder crashed")
        return self.inner.encode_passages(texts, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.slow
def test_a_document_that_fails_two_builds_is_quarantined_and_the_rest_publish(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = corpus_copy(tmp_path), seeded_index(tmp_path, index_dir)
    catalog, quarantine = CorpusCatalog(corpus), Quarantine(index)
    poisoned: Any = PoisonedEncoder(encoder)
    first = rebuild(catalog, index, poisoned, quarantine=quarantine)
    (corpus / "en" / "poison.md").write_text(POISON)
    (corpus / "en" / "good-1.md").write_text(GOOD.format(n=2001))  # imported with it, in the same build
    with pytest.raises(RuntimeError, match="encoder crashed"):
        rebuild(catalog, index, poisoned, quarantine=quarantine)
    (corpus / "en" / "good-2.md").write_text(GOOD.format(n=2002))  # a later write
    lines: list[str] = []
    done = rebuild(catalog, index, poisoned, quarantine=quarantine, warn=lines.append)  # fails again: isolated
    assert [q["doc_id"] for q in quarantine.report()] == ["poison"]
    assert done.report is not None and done.version != first.version
    assert done.report.documents == len(first.loaded.documents) + 2  # both good writes, not the poisoned one
    assert "quarantined poison: left out of the build (the build failed: RuntimeError: the encoder crashed)" in lines
    again: list[str] = []
    current = rebuild(catalog, index, poisoned, quarantine=quarantine, warn=again.append, skip_if_current=True)
    assert current.report is None  # the served index already holds all but the quarantined one
    assert any(line.startswith("quarantined en/poison.md: left out of the build") for line in again)
    assert json.loads((index / FILE).read_text())["poison"]["strikes"] == 2  # kept across restarts
    assert [q["doc_id"] for q in Quarantine(index).report()] == ["poison"]
    (corpus / "en" / "poison.md").write_text(POISON.replace("POISON", "nothing wrong"))
    fixed = rebuild(catalog, index, poisoned, quarantine=quarantine)  # a changed file gets another try
    assert fixed.report is not None and fixed.report.documents == len(first.loaded.documents) + 3


def test_a_cancel_stops_the_corpus_read_before_the_next_file(tmp_path: Path, encoder: Encoder) -> None:
    corpus = corpus_copy(tmp_path)
    catalog = CorpusCatalog(corpus)
    with pytest.raises(BuildCancelled, match="while reading the corpus"):
        rebuild(catalog, tmp_path / "index", encoder, cancelled=lambda: True)
    assert catalog._cache == {}  # no file was read


def test_jobs_requested_before_a_restart_are_not_reported_finished(tmp_path: Path, encoder: Encoder) -> None:
    settings = Settings(index=tmp_path / "index", corpus=corpus_copy(tmp_path))
    runner = BuildRunner(Engine(settings, encoder), CorpusCatalog(settings.corpus))
    runner._requested = 7  # job 7 handed out; the build covering it had not finished when the process stopped
    runner._write_jobs()
    after = BuildRunner(Engine(settings, encoder), CorpusCatalog(settings.corpus)).status()
    assert (after["requested_job"], after["last_job"]) == (7, 0)
    (settings.index / "JOBS").write_text("5\n")  # as an older version wrote it: one number, taken as finished
    assert BuildRunner(Engine(settings, encoder), CorpusCatalog(settings.corpus)).status()["last_job"] == 5


def test_api_index_names_each_file_a_build_skipped_with_its_reason(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    from fastapi.testclient import TestClient

    from service.app import create_app
    from tests.test_bounded_reads import _docx

    corpus, index = corpus_copy(tmp_path), seeded_index(tmp_path, index_dir)
    bomb = _docx(["The delegations agreed."], extra=b"<x>" + b" " * (17 * 1024 * 1024) + b"</x>")
    (corpus / "en" / "bomb.docx").write_bytes(bomb)  # put there by hand: only a build reads it
    settings = Settings(index=index, corpus=corpus, api_keys="k")
    with TestClient(create_app(settings, encoder=encoder)) as client:
        assert cast(Any, client.app).state.builds.wait_idle(300)
        builds = client.get("/api/index", headers={"X-API-Key": "k"}).json()["builds"]
    assert builds["last_outcome"] == "published"
    assert [line for line in builds["skipped"] if "bomb.docx" in line] == [
        "skipped en/bomb.docx: the Word file's text and layout (XML) inflate to more than 16 MB (the limit)"
    ]
