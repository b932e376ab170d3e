"""Evidence from the query's translation (indexer.retrieval.crosslang): full-MT BM25 and the opt-in dense side."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eval.cli import fusion_config
from eval.datasets.types import DatasetError
from eval.engine import index_documents
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import FusionConfig, Searcher, SearchFilters
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


def _with(searcher: Searcher, **changes: object) -> Searcher:
    return Searcher(searcher.snapshot, searcher.encoder, replace(FusionConfig(), **changes))


@needs_apertium
def test_the_dense_side_of_the_translation_runs_only_when_asked_and_only_cross_language(unlinked: Searcher) -> None:
    plain = unlinked.retrieve(QUERY, 5, "hybrid", "auto", TO_ES)
    assert plain.dense_translated == {}  # off by default: a second encoding is over the latency budget
    dense = _with(unlinked, dense_translation="full")
    cands = dense.retrieve(QUERY, 5, "hybrid", "auto", TO_ES)
    passages = unlinked.snapshot.passages
    assert cands.dense_translated and all(passages.lang(r) == "es" for r in cands.dense_translated)
    # its own ranking, not the original query's: a Spanish vector scores Spanish passages higher
    assert cands.dense_translated != cands.dense
    assert max(cands.dense_translated.values()) > max(cands.dense.values())
    result = dense.search(QUERY, k=5, filters=TO_ES)
    assert {"translate_full", "encode_translated", "ann_translated"} <= set(result.stages)
    for filters in (SearchFilters(), SearchFilters(doc_lang="en")):  # not truly cross-language
        assert dense.retrieve(QUERY, 5, "hybrid", "auto", filters).dense_translated == {}


@needs_apertium
def test_the_dense_side_at_weight_zero_ranks_as_without_it_and_its_weight_moves_the_ranking(
    unlinked: Searcher,
) -> None:
    base = [h.passage.passage_id for h in unlinked.search(QUERY, k=10, filters=TO_ES).hits]
    zero = _with(unlinked, dense_translation="full", translated_dense=0.0)
    assert [h.passage.passage_id for h in zero.search(QUERY, k=10, filters=TO_ES).hits] == base
    heavy = _with(unlinked, dense_translation="full", translated_dense=100.0)
    cands = heavy.retrieve(QUERY, 10, "hybrid", "auto", TO_ES)
    top_translated = max(cands.dense_translated.items(), key=lambda kv: kv[1])[0]
    assert heavy.rank(cands, 1)[0][0] == top_translated  # the translated vector decides at that weight


@needs_apertium
def test_bm25_searches_the_full_translation_or_the_lemmas(unlinked: Searcher) -> None:
    full = unlinked.search(QUERY, k=5, filters=TO_ES).translation  # the default
    lemmas = _with(unlinked, bm25_translation="lexical").search(QUERY, k=5, filters=TO_ES).translation
    assert lemmas is not None and full is not None and lemmas.text != full.text
    assert "reemplazará" in full.text  # inflected, readable text
    assert "reemplazar" in lemmas.text.split()  # the lemma


def test_the_translation_settings_are_checked_by_name() -> None:
    assert fusion_config(["bm25_translation=full", "dense_translation=full"]).dense_translation == "full"
    assert fusion_config(["mixed_combine=sum"]).mixed_combine == "sum"
    for bad in ("bm25_translation=alternatives", "dense_translation=concat", "mixed_combine=add"):
        with pytest.raises(DatasetError, match="use one of"):
            fusion_config([bad])
