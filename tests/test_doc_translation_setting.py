"""BNC_DOC_TRANSLATION decides what builds add for cross-language search, and a start-up never rebuilds in a loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.encoders import Encoder
from indexer.index.doc_mt import default_doc_translator
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import CorpusCatalog
from service.config import Settings
from service.indexing import rebuild
from tests.helpers import corpus_copy, seeded_index

needs_apertium = pytest.mark.skipif(
    not default_doc_translator().available(), reason="needs apertium + apertium-eng-spa (.ci/apertium-setup.sh)"
)


@needs_apertium
def test_the_setting_decides_what_a_build_adds_and_the_same_setting_again_is_current(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = corpus_copy(tmp_path), seeded_index(tmp_path, index_dir)

    def start(value: str) -> bool:
        """One service start-up with BNC_DOC_TRANSLATION=value: whether it built."""
        settings = Settings(corpus=corpus, index=index, doc_translation=value)  # type: ignore[arg-type]
        done = rebuild(
            CorpusCatalog(corpus),
            index,
            encoder,
            skip_if_current=True,
            doc_mt=settings.doc_mt,
            doc_mt_vectors=settings.doc_mt_vectors,
        )
        return done.report is not None

    for value, translated, vectors in (("off", False, False), ("bm25", True, False), ("vectors", True, True)):
        assert start(value)  # asking for more than the served snapshot has: one build
        manifest = open_snapshot(index).manifest
        assert bool(manifest["doc_mt"].get("available")) is translated, value
        assert bool(manifest["doc_mt_vectors"].get("available")) is vectors, value
        assert not start(value)  # the same setting again: current, no rebuild on every start
    assert not start("off")  # asking for less keeps the served snapshot until the next real build
    assert Settings(doc_translation="vectors").doc_mt_vectors and not Settings(doc_translation="bm25").doc_mt_vectors
