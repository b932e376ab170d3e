"""Index-time translation of passages (indexer.index.doc_mt) and its BM25 evidence in cross-language search."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from eval.engine import index_documents
from indexer.encoders import Encoder
from indexer.index import doc_mt
from indexer.index import snapshot_files as snap
from indexer.index.build import BuildCancelled, build_index
from indexer.index.freshness import up_to_date
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.quote_mt import translate_hits
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters
from indexer.translate import Pipe, Translator
from indexer.types import Document
from tests.helpers import seeded_index

needs_apertium = pytest.mark.skipif(
    not doc_mt.default_doc_translator().available(), reason="Apertium not installed (.ci/apertium-setup.sh)"
)
QUERY = "Who will replace the border crossing cards?"
TO_ES = SearchFilters(doc_lang="es")


class CountingTranslator(doc_mt.DocTranslator):
    """The real translator, counting the passages it is asked to translate."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def translate(
        self, texts: Sequence[str], source: str, progress: Callable[[int], object] | None = None
    ) -> list[tuple[str, float]]:
        self.asked += list(texts)
        return super().translate(texts, source, progress)


@pytest.fixture(scope="module")
def unlinked(
    tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder, index_dir: Path
) -> Searcher:
    path = seeded_index(tmp_path_factory.mktemp("unlinked-doc-mt"), index_dir)
    build_index(index_documents(corpus_docs, link_translations=False), path, encoder)
    return Searcher(open_snapshot(path), encoder)


def _ids(searcher: Searcher, mode: str = "hybrid", filters: SearchFilters = TO_ES) -> list[str]:
    return [h.passage.passage_id for h in searcher.search(QUERY, k=10, mode=mode, filters=filters).hits]


@needs_apertium
def test_every_passage_is_translated_at_build_and_the_manifest_says_by_what(index_dir: Path) -> None:
    snapshot = open_snapshot(index_dir)
    entry = snapshot.manifest["doc_mt"]
    assert entry["available"] and entry["translator"]["engine"] == "apertium"
    assert entry["translator"]["pairs"] == {"en-es": "eng-spa", "es-en": "spa-eng"}
    assert entry["translator"]["package"]  # the Debian package's version
    assert entry["passages"] == len(snapshot.passages) and entry["untranslated_count"] == 0
    rows = list(snap.iter_jsonl(snapshot.path / doc_mt.FILE))
    langs = {p.passage_id: p.lang for p in snapshot.passages}
    assert {r["pid"] for r in rows} == set(langs)
    assert all(r["lang"] != langs[r["pid"]] and r["text"] for r in rows)  # into the other language
    # part of the snapshot: checksummed like every other file
    files = snapshot.manifest["files"]
    assert doc_mt.FILE in files and any(name.startswith(f"{doc_mt.DIR}/") for name in files)
    assert snapshot.doc_mt is not None


@needs_apertium
def test_an_incremental_add_translates_only_the_new_passages(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, index_dir: Path
) -> None:
    tmp_path = seeded_index(tmp_path, index_dir)
    en, es = sorted(corpus_docs, key=lambda d: d.lang)[:2]
    translator = CountingTranslator()
    build_index([en], tmp_path, encoder, doc_translator=translator)
    first = len(translator.asked)
    assert first == len(open_snapshot(tmp_path).passages)
    build_index([en, es], tmp_path, encoder, doc_translator=translator)
    snapshot = open_snapshot(tmp_path)
    es_passages = [p for p in snapshot.passages if p.doc_id == es.doc_id]
    assert translator.asked[first:] == [p.text for p in es_passages]
    assert snapshot.manifest["doc_mt"]["reused"] == first
    # the extended index finds the new passages through their English translation
    index = snapshot.doc_mt
    assert index is not None
    hits = index.run(index.query("border crossing cards", ("en",)), 5)
    assert hits and {snapshot.passages.doc_id(r) for r, _ in hits} == {es.doc_id}
    # a removal rebuilds it: nothing of the removed document is left
    build_index([en], tmp_path, encoder, doc_translator=translator)
    again = open_snapshot(tmp_path)
    assert again.doc_mt is not None
    assert again.doc_mt.run(again.doc_mt.query("border crossing cards", ("en",)), 5) == []
    assert len(translator.asked) == first + len(es_passages)  # reused, not translated again


def test_without_apertium_the_build_skips_it_says_so_once_and_search_works(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, caplog: pytest.LogCaptureFixture, index_dir: Path
) -> None:
    missing = doc_mt.DocTranslator(datadir=tmp_path / "no-apertium")
    docs = index_documents(corpus_docs, link_translations=False)
    seeded_index(tmp_path, index_dir)
    with caplog.at_level(logging.WARNING, logger="indexer.index.doc_mt"):
        build_index(docs, tmp_path / "index", encoder, doc_translator=missing)
        build_index(docs, tmp_path / "index", encoder, doc_translator=missing)
    assert len([r for r in caplog.records if "document translation off" in r.message]) == 1
    snapshot = open_snapshot(tmp_path / "index")
    assert snapshot.manifest["doc_mt"] == {"available": False, "reason": "apertium not installed"}
    assert snapshot.doc_mt is None and not (snapshot.path / doc_mt.FILE).exists()
    searcher = Searcher(snapshot, encoder, translator=Translator(datadir=tmp_path / "no-apertium"))
    result = searcher.search(QUERY, k=5, filters=TO_ES)
    assert result.hits and result.translation is None
    # once Apertium is installed, the index is no longer up to date: one rebuild adds the translations
    expected = None if doc_mt.default_doc_translator().available() else snapshot.version
    assert up_to_date(tmp_path / "index", docs, encoder) == expected


def test_a_translator_that_hangs_times_out_and_the_passages_go_untranslated(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, caplog: pytest.LogCaptureFixture, index_dir: Path
) -> None:
    tmp_path = seeded_index(tmp_path, index_dir)
    stuck = doc_mt.DocTranslator(timeout_s=0.2, per_word_s=0.0)
    stuck._available = True
    stuck._identity = {"engine": "stuck"}
    for pair in ("eng-spa", "spa-eng"):  # pipelines that never answer stand in for a stuck Apertium
        stuck._pipes[pair] = Pipe(pair, timeout_s=0.2, command="cat > /dev/null")
    doc = corpus_docs[0]
    with caplog.at_level(logging.WARNING):
        report = build_index([doc], tmp_path, encoder, doc_translator=stuck)
    entry = open_snapshot(tmp_path).manifest["doc_mt"]
    assert entry["passages"] == 0 and entry["untranslated_count"] > 0
    assert report.untranslated == entry["untranslated_count"]  # the build's report says so, and the log
    assert "did not answer" in caplog.text and "published without their machine translation" in caplog.text
    assert all(p.proc is None for p in stuck._pipes.values())  # stopped, restarted by the next build


def test_a_cancel_ends_a_translation_batch_within_seconds(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, index_dir: Path
) -> None:
    tmp_path = seeded_index(tmp_path, index_dir)
    stuck = doc_mt.DocTranslator(timeout_s=60, per_word_s=0.0)  # a batch that would wait its full deadline
    stuck._available = True
    stuck._identity = {"engine": "stuck"}
    for pair in ("eng-spa", "spa-eng"):
        stuck._pipes[pair] = Pipe(pair, timeout_s=60, command="cat > /dev/null")
    started = time.monotonic()
    with pytest.raises(BuildCancelled):
        build_index(
            corpus_docs[:1], tmp_path, encoder, doc_translator=stuck, cancelled=lambda: time.monotonic() - started > 1
        )
    assert time.monotonic() - started < 10
    assert stuck.stop is None


@needs_apertium
def test_many_passages_in_one_write_come_back_one_for_one() -> None:
    translator = doc_mt.DocTranslator()
    texts = ["La Comisión se reunió en Zacatecas.", "", "Los delegados acordaron un programa [nuevo]."] * 40
    try:
        out = [text for text, _ in translator.translate(texts, "es")]
    finally:
        translator.close()
    assert len(out) == len(texts) and out[1] == ""
    assert "Commission" in out[0] and "delegates" in out[2] and out[0] == out[3]


@needs_apertium
def test_cross_language_search_adds_the_query_over_the_translations_and_serves_without_apertium(
    unlinked: Searcher, tmp_path: Path
) -> None:
    cands = unlinked.retrieve(QUERY, 10, "hybrid", "en", TO_ES)
    passages = unlinked.snapshot.passages
    assert cands.doc_mt and all(passages.lang(r) == "es" for r in cands.doc_mt)
    result = unlinked.search(QUERY, k=10, filters=TO_ES)
    assert "bm25_doc_mt" in result.stages
    # never shown as a quote: hits carry the passage's own text
    assert all(h.passage.text == passages[unlinked.snapshot.rows[h.passage.passage_id]].text for h in result.hits)
    assert all(h.passage.lang == "es" for h in result.hits)
    # same-language searches do not use it; unfiltered ones do, on the other language's passages only
    # (those without a twin), and not at all with doc_mt off
    assert unlinked.retrieve(QUERY, 10, "hybrid", "en", SearchFilters(doc_lang="en")).doc_mt == {}
    mixed = unlinked.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt
    assert mixed and all(passages.lang(r) == "es" for r in mixed)
    off = Searcher(unlinked.snapshot, unlinked.encoder, RankingConfig(doc_mt=False))
    assert off.retrieve(QUERY, 10, "hybrid", "en", SearchFilters()).doc_mt == {}
    # a machine without Apertium: no translated query, the build's translations still count
    no_apertium = Searcher(unlinked.snapshot, unlinked.encoder, translator=Translator(datadir=tmp_path))
    served = no_apertium.retrieve(QUERY, 10, "hybrid", "en", TO_ES)
    assert served.translated == {} and served.doc_mt == cands.doc_mt


@needs_apertium
def test_bm25_mode_adds_the_query_over_the_passages_translations(unlinked: Searcher) -> None:
    snapshot, encoder = unlinked.snapshot, unlinked.encoder
    only_doc_mt = Searcher(snapshot, encoder, RankingConfig(translate=False))  # the query's and doc_mt's BM25
    off = Searcher(snapshot, encoder, RankingConfig(translate=False, doc_mt=False))
    assert off.retrieve(QUERY, 10, "bm25", "en", TO_ES).doc_mt == {}
    cands = only_doc_mt.retrieve(QUERY, 10, "bm25", "en", TO_ES)
    # an English query over Spanish passages: its own BM25 there is names and numbers, at 0.3
    best = max(cands.doc_mt, key=lambda r: cands.doc_mt[r])
    assert cands.doc_mt[best] > 0.3 * max(cands.lexical.values(), default=0.0)
    hits = only_doc_mt.search(QUERY, k=10, mode="bm25", filters=TO_ES).hits
    assert snapshot.rows[hits[0].passage.passage_id] in cands.doc_mt
    assert max(h.score for h in hits) >= round(cands.doc_mt[best], 6)  # its own BM25 is added, never subtracted
    assert _ids(off, "bm25") != _ids(only_doc_mt, "bm25")


@needs_apertium
def test_the_unofficial_translation_of_a_hit_comes_from_the_build_and_needs_no_translator(
    unlinked: Searcher, tmp_path: Path
) -> None:
    result = unlinked.search(QUERY, k=5, mode="hybrid", lang="en", filters=TO_ES)
    stored = unlinked.snapshot.doc_mt_texts
    assert stored is not None and result.hits
    missing = Translator(datadir=tmp_path)  # no Apertium at query time
    assert translate_hits(result, missing) == {}
    kept = translate_hits(result, missing, stored)
    assert set(kept) == {h.passage.passage_id for h in result.hits}  # all Spanish, none with a twin
    live = Translator()
    try:
        for hit in result.hits[:2]:
            got = kept[hit.passage.passage_id]
            assert (got.source, got.target) == ("es", "en") and got.text != hit.passage.text
            # the same full pipeline over the same text as a query-time translation
            now = live.translate(hit.passage.text, "es", "en", kind="full")
            assert now is not None and now.text == got.text
    finally:
        live.close()
