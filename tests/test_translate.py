"""Query translation: the real Apertium pipeline, its failure modes, and its use by search."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from eval.engine import index_documents
from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.glossary import default_glossary
from indexer.retrieval.querytrans import translate_query
from indexer.retrieval.search import RankingConfig, Searcher, SearchFilters
from indexer.translate import Pipe, Translator, default_translator, parse, parse_lexical, pipeline
from indexer.types import Document

needs_apertium = pytest.mark.skipif(
    not default_translator().available(), reason="Apertium not installed (.ci/apertium-setup.sh)"
)


def test_parse_strips_marks_and_counts_unknown_lowercase_words() -> None:
    assert parse("Qué curso *Cáceres enseña?") == ("Qué curso Cáceres enseña?", 1.0)  # a name passes through
    assert parse("hola *xyzzyplugh mundo amigo") == ("hola xyzzyplugh mundo amigo", 0.75)
    assert parse("#ir *foo") == ("ir foo", 0.0)
    assert parse("") == ("", 1.0)


def test_pipeline_puts_every_stage_in_null_flush_mode(tmp_path: Path) -> None:
    (tmp_path / "modes").mkdir()
    mode = "lt-proc 'a b.bin' | apertium-tagger -g $2 'x.prob' | apertium-pretransfer | lt-proc $1 'gen.bin'"
    (tmp_path / "modes" / "eng-spa.mode").write_text(mode)
    assert pipeline("eng-spa", tmp_path) == (
        "lt-proc -z 'a b.bin' | apertium-tagger -z -g x.prob | apertium-pretransfer -z | lt-proc -z -g gen.bin"
    )


@needs_apertium
def test_one_persistent_process_translates_each_direction_and_caches() -> None:
    translator = Translator()
    try:
        en = translator.translate("Where did the working group meet in February?", "en", "es")
        assert en is not None and "febrero" in en.text.lower() and "grupo" in en.text.lower()
        es = translator.translate("¿Quién reparte el agua de los ríos?", "es", "en")
        assert es is not None and "water" in es.text and "river" in es.text and es.known == 1.0  # lemmas
        pipe = translator._pipes["eng-spa:lexical"]
        proc = pipe.proc
        again = translator.translate("the water of the rivers", "en", "es")
        assert again is not None and "agua" in again.text
        assert pipe.proc is proc  # the same process answered the second query
        assert translator.cached("the water of the rivers", "en", "es")
        unknown = translator.translate("the xyzzyplugh", "en", "es")
        assert unknown is not None and unknown.known < 1.0 and "*" not in unknown.text
        assert translator.translate("hello", "en", "fr") is None
    finally:
        translator.close()


def test_a_translator_that_hangs_times_out_and_returns_none(caplog: pytest.LogCaptureFixture) -> None:
    translator = Translator(timeout_s=0.3)
    translator._available = True  # a pipeline that never answers stands in for a stuck Apertium
    pipe = translator._pipes["eng-spa:lexical"] = Pipe("eng-spa", timeout_s=0.3, command="cat > /dev/null")
    with caplog.at_level(logging.WARNING, logger="indexer.translate"):
        assert translator.translate("anything", "en", "es") is None
    assert "did not answer" in caplog.text
    assert pipe.proc is None  # stopped: the next query starts a fresh pipeline
    translator.close()


def _in_thread(call: Callable[[], object], within_s: float) -> tuple[bool, object]:
    """Run `call` in a daemon thread; (finished within `within_s`, its result or exception)."""
    box: list[object] = []

    def run() -> None:
        try:
            box.append(call())
        except Exception as exc:  # the result to check
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within_s)
    return not thread.is_alive(), (box[0] if box else None)


def test_a_text_larger_than_the_pipes_is_fed_while_the_answer_is_read() -> None:
    # 450 KB without sentence punctuation: written whole before reading, both pipes fill and it blocks
    text = "border cooperation water health energy trade " * 10000
    pipe = Pipe("eng-spa", timeout_s=20, command="cat")  # answers as it reads, like Apertium in -z mode
    try:
        done, out = _in_thread(lambda: pipe.translate(text), 25)
        assert done, "the pipe deadlocked"
        assert isinstance(out, str) and out.split() == text.split()
    finally:
        _kill(pipe)


def test_the_deadline_fires_while_the_pipeline_is_not_reading() -> None:
    pipe = Pipe("eng-spa", timeout_s=0.5, command="sleep 30")  # never reads its input
    started = time.monotonic()
    done, out = _in_thread(lambda: pipe.translate("word " * 200_000), 10)
    if not done:
        _kill(pipe)
    assert done and isinstance(out, TimeoutError)
    assert time.monotonic() - started < 5
    assert pipe.proc is None  # killed: the next call starts a fresh one


def _kill(pipe: Pipe) -> None:
    """End a pipe's process group even while a blocked writer holds its lock, then close it."""
    if pipe.proc is not None:
        os.killpg(pipe.proc.pid, signal.SIGKILL)
    pipe.close()


def test_missing_apertium_is_logged_once_and_search_works_as_before(
    tmp_path: Path, searcher: Searcher, caplog: pytest.LogCaptureFixture
) -> None:
    missing = Translator(datadir=tmp_path)  # no modes/ here: as if apertium-eng-spa were not installed
    with caplog.at_level(logging.WARNING, logger="indexer.translate"):
        assert missing.translate("border crossing card", "en", "es") is None
        assert missing.translate("water treaty", "en", "es") is None
    assert len([r for r in caplog.records if "query translation off" in r.message]) == 1
    no_mt = Searcher(searcher.snapshot, searcher.encoder, translator=missing)
    off = Searcher(searcher.snapshot, searcher.encoder, config=RankingConfig(translate=False))
    query, filters = "How many border crossing cards were issued?", SearchFilters(doc_lang="es")
    result = no_mt.search(query, k=5, filters=filters)
    assert result.translation is None and result.hits
    assert [h.passage.passage_id for h in result.hits] == [
        h.passage.passage_id for h in off.search(query, k=5, filters=filters).hits
    ]


@needs_apertium
def test_glossary_forms_take_precedence_over_the_translator() -> None:
    translation = translate_query(
        "When does the INS issue the laser visa?", "en", "es", default_translator(), default_glossary()
    )
    assert translation is not None
    assert "visa láser" in translation.glossary and "Servicio de Inmigración y Naturalización" in translation.glossary
    assert translation.text.endswith("SIN INS")  # the glossary's forms, appended as they are
    assert "visa láser" in translation.text and "inserción" not in translation.text.lower()


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder) -> Searcher:
    """The bundled corpus with its translation link removed and refused: no twin lends evidence."""
    path = tmp_path_factory.mktemp("unlinked")
    build_index(index_documents(corpus_docs, link_translations=False), path, encoder)
    return Searcher(open_snapshot(path), encoder)


@needs_apertium
def test_linked_cross_language_search_trusts_the_twin_and_skips_translation(searcher: Searcher) -> None:
    result = searcher.search("Who will replace the border crossing cards?", k=5, filters=SearchFilters(doc_lang="es"))
    assert result.translation is None and "translate" not in result.stages
    assert "Border Crossing Card" in result.hits[0].twin.text if result.hits[0].twin else False
    # unfiltered, the translations stand in only for passages with no twin: a twin lends its own evidence
    mixed = searcher.retrieve("Who will replace the border crossing cards?", 10, "hybrid", "en", SearchFilters())
    twins = searcher.snapshot.twins
    assert mixed.lexical and any(twins.get(r) for r in mixed.lexical)
    for evidence in (mixed.translated, mixed.doc_mt, mixed.doc_mt_dense):
        assert all(not twins.get(r) for r in evidence)


@needs_apertium
def test_cross_language_search_uses_the_translated_query(unlinked: Searcher) -> None:
    searcher = unlinked
    query = "Who will replace the border crossing cards?"
    result = searcher.search(query, k=5, filters=SearchFilters(doc_lang="es"))
    assert result.translation is not None and result.translation.target == "es"
    candidates = searcher.retrieve(query, 5, "hybrid", "auto", SearchFilters(doc_lang="es"))
    assert candidates.translated and all(searcher.snapshot.passages.lang(r) == "es" for r in candidates.translated)
    assert result.stages.get("translate") is not None and "bm25_translated" in result.stages
    same = searcher.retrieve(query, 5, "hybrid", "auto", SearchFilters(doc_lang="en"))
    assert same.translation is None and not same.translated  # same-language search is untouched
    # unfiltered, the other language's passages may be the ones asked for: translated too
    mixed = searcher.retrieve(query, 5, "hybrid", "auto", SearchFilters())
    assert mixed.translated and all(searcher.snapshot.passages.lang(r) == "es" for r in mixed.translated)
    off = Searcher(searcher.snapshot, searcher.encoder, RankingConfig(translate=False))
    assert off.retrieve(query, 5, "hybrid", "auto", SearchFilters()).translation is None  # off: not run


def test_parse_lexical_keeps_the_chosen_lemma_or_every_alternative() -> None:
    raw = "^Where<adv><itg>/Dónde<adv><itg>/Adónde<adv><itg>$ ^do<vbdo><past>/$ ^*Cáceres/*Cáceres$ ^?<sent>/?<sent>$"
    assert parse_lexical(raw) == ("Dónde Cáceres", 1.0)  # the dropped auxiliary and the "?" are not words
    assert parse_lexical(raw, alternatives=True) == ("Dónde Adónde Cáceres", 1.0)
    assert parse_lexical("^*xyzzy/*xyzzy$ ^house<n><sg>/casa<n><f><sg>$") == ("xyzzy casa", 0.5)
