"""Cross-language evidence (indexer.retrieval.crosslang): which searches gather it, and the ranking config."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.cli import ranking_config
from eval.datasets.types import DatasetError
from eval.engine import index_documents
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.crosslang import gathers, lent_by_twin
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters
from indexer.translate import default_translator
from indexer.types import Document

needs_apertium = pytest.mark.skipif(
    not default_translator().available(), reason="Apertium not installed (.ci/apertium-setup.sh)"
)
QUERY = "Who will replace the border crossing cards?"
TO_ES = SearchFilters(doc_lang="es")


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder) -> Searcher:
    """The bundled corpus with its translation link removed and refused: every Spanish hit is cross-language."""
    path = tmp_path_factory.mktemp("unlinked-crosslang")
    build_index(index_documents(corpus_docs, link_translations=False), path, encoder)
    return Searcher(open_snapshot(path), encoder)


@needs_apertium
def test_each_kind_of_search_gathers_the_translations_evidence_by_a_fixed_rule(
    unlinked: Searcher, searcher: Searcher
) -> None:
    passages = unlinked.snapshot.passages
    across = unlinked.retrieve(QUERY, 10, "hybrid", "en", TO_ES)
    assert gathers(across) and not lent_by_twin(across)
    for evidence in (across.translated, across.doc_mt, across.doc_mt_dense):
        assert evidence and all(passages.lang(r) == "es" for r in evidence)
    same = unlinked.retrieve(QUERY, 10, "hybrid", "en", SearchFilters(doc_lang="en"))
    assert not gathers(same) and not (same.translated or same.doc_mt or same.doc_mt_dense)
    mixed = unlinked.retrieve(QUERY, 10, "hybrid", "en", SearchFilters())
    assert gathers(mixed) and mixed.translated and mixed.doc_mt and mixed.doc_mt_dense
    # linked: the Spanish passage's best BM25 is lent by its English twin, whose text is the evidence
    linked = searcher.retrieve(QUERY, 10, "hybrid", "en", TO_ES)
    assert lent_by_twin(linked) and not gathers(linked)
    assert not (linked.translated or linked.doc_mt or linked.doc_mt_dense) and linked.translation is None
    # the config's switches turn each source off, whatever the kind
    off = Searcher(unlinked.snapshot, unlinked.encoder, RankingConfig(translate=False, doc_mt=False))
    for filters in (TO_ES, SearchFilters()):
        bare = off.retrieve(QUERY, 10, "hybrid", "en", filters)
        assert not (bare.translated or bare.doc_mt or bare.doc_mt_dense) and bare.translation is None


@needs_apertium
def test_bm25_searches_the_full_translation(unlinked: Searcher) -> None:
    full = unlinked.search(QUERY, k=5, filters=TO_ES).translation
    assert full is not None and "reemplazará" in full.text  # inflected, readable text


def test_the_ranking_config_is_set_by_name_and_checked() -> None:
    cfg = ranking_config(["rrf_k=60", "translate=false", "model=other.json", "min_depth=50"])
    assert (cfg.rrf_k, cfg.translate, cfg.model, cfg.min_depth) == (60, False, Path("other.json"), 50)
    assert cfg.doc_mt and cfg.glossary  # the rest at their defaults
    for bad in ("weights=0.3,0.7", "translate=maybe", "rrf_k=thirty", "rrf_k="):
        with pytest.raises(DatasetError):
            ranking_config([bad])
