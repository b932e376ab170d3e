"""Unfiltered results show each aligned pair once, also when one paragraph is aligned to two."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import read_document
from indexer.retrieval.twins import collapse_twins

REALGENRE = Path(__file__).resolve().parents[1] / "eval" / "realgenre" / "docs"


@pytest.fixture(scope="module")
def one_to_two(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> tuple[object, int, list[int]]:
    """rg11 (ES) and rg10 (EN), the same working-group meeting: one Spanish paragraph is aligned to two English ones."""
    docs = [read_document(REALGENRE / name, REALGENRE) for name in ("rg10.txt", "rg11.txt")]
    path = tmp_path_factory.mktemp("one-to-two") / "index"
    build_index(docs, path, encoder, doc_mt=False, doc_mt_vectors=False)
    snapshot = open_snapshot(path)
    multi = [(row, list(twins)) for row, twins in snapshot.twins.items() if len(twins) > 1]
    assert multi, "the two documents no longer align one paragraph to two"
    row, twins = multi[0]
    return snapshot, row, twins


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_paragraph_aligned_to_two_is_shown_once(one_to_two: tuple[object, int, list[int]], lang: str) -> None:
    snapshot, row, (first, second) = one_to_two
    ranked = [(first, 3.0), (row, 2.0), (second, 1.0)]
    shown = [r for r, _ in collapse_twins(snapshot, ranked, lang)]  # type: ignore[arg-type]
    passages = snapshot.passages  # type: ignore[attr-defined]
    assert len(shown) == len(set(shown)) == 2
    assert passages.lang(shown[0]) == lang  # the best pair in the asker's language
    # the English asker gets both English paragraphs; the Spanish one gets the Spanish paragraph once
    assert [passages.lang(r) for r in shown].count("es") == (1 if lang == "es" else 0)
