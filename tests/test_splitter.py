"""Passages: paragraph bounds, sentence-aware splits, sections, offsets and stable ids."""

from __future__ import annotations

import dataclasses
import time

from indexer.ingest.splitter import MAX_PASSAGE_CHARS, MAX_WORDS, passage_id, sentence_spans, split_document
from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC


def test_offsets_reproduce_text_exactly(docs_by_id: dict[str, Document]) -> None:
    for doc in docs_by_id.values():
        passages = split_document(doc)
        assert len(passages) == 19  # the header block is metadata, not a passage
        for p in passages:
            assert doc.body[p.char_start : p.char_end] == p.text


def test_sections_come_from_inline_and_caps_headings(docs_by_id: dict[str, Document]) -> None:
    passages = split_document(docs_by_id[EN_DOC])
    by_ordinal = {p.ordinal: p for p in passages}
    assert 0 not in by_ordinal and not any("NOVEMBER 26, 2002" in p.text for p in passages)  # the header block
    assert by_ordinal[1].section == "Background"
    assert by_ordinal[7].section == "Border Safety"
    assert by_ordinal[8].section == "Border Safety"  # a paragraph without a lead-in inherits it
    assert by_ordinal[14].section == "Consular Issues"
    assert by_ordinal[14].text.startswith("Consular Issues: The U.S. delegation reported")
    assert by_ordinal[19].section == "Conclusion"
    es = {p.ordinal: p.section for p in split_document(docs_by_id[ES_DOC])}
    assert es[14] == "Asuntos consulares"


def test_ids_survive_rebuilds_and_edits_elsewhere(docs_by_id: dict[str, Document]) -> None:
    doc = docs_by_id[EN_DOC]
    first = split_document(doc)
    assert [p.passage_id for p in first] == [p.passage_id for p in split_document(doc)]
    assert len({p.passage_id for p in first}) == len(first)
    marker = "Background: "
    edited_body = doc.body.replace(marker, "A new opening paragraph was added here.\n\n" + marker, 1)
    edited = split_document(dataclasses.replace(doc, body=edited_body))
    assert {p.passage_id for p in first} <= {p.passage_id for p in edited}


def test_long_paragraph_splits_between_sentences_only() -> None:
    sentences = [f"Sentence number {i} talks about the U.S. border crossing program in detail." for i in range(60)]
    body = "Long Section: " + " ".join(sentences)
    doc = Document(doc_id="long", lang="en", title="t", body=body)
    passages = split_document(doc, max_words=100)
    assert len(passages) > 1
    assert {p.ordinal for p in passages} == {1}
    for p in passages:
        assert body[p.char_start : p.char_end] == p.text
        assert p.text.endswith("detail.")  # never cut inside a sentence
        assert p.section == "Long Section"
    assert " ".join(p.text for p in passages) == body


def test_spanish_sentences_keep_abbreviations() -> None:
    text = "El Sr. López llegó el lunes con la Lic. Pérez. ¿Cuántas tarjetas se emitieron? Casi 6 millones."
    spans = sentence_spans(text, "es")
    assert [text[s:e] for s, e in spans] == [
        "El Sr. López llegó el lunes con la Lic. Pérez.",
        "¿Cuántas tarjetas se emitieron?",
        "Casi 6 millones.",
    ]


def test_text_without_sentence_punctuation_is_cut_at_a_bound() -> None:
    # ~450 KB in one "sentence": one passage would be fed whole to the translator and the encoder
    body = "border cooperation water health energy trade " * 10000
    doc = Document(doc_id="run-on", lang="en", title="t", body=body.strip())
    passages = split_document(doc)
    assert 1 < len(passages) <= 4  # six words repeating: 200-word pieces come in three phases, each indexed once
    assert all(len(p.text.split()) <= MAX_WORDS for p in passages)
    unbroken = Document(doc_id="no-spaces", lang="en", title="t", body="".join(f"{i:06d}" for i in range(2010)))
    pieces = split_document(unbroken)
    assert [len(p.text) for p in pieces] == [MAX_PASSAGE_CHARS] * 3 + [60]
    assert "".join(p.text for p in pieces) == unbroken.body
    assert all(unbroken.body[p.char_start : p.char_end] == p.text for p in pieces)


def test_varied_run_on_text_keeps_every_word_in_bounded_passages() -> None:
    words = [f"w{i}" for i in range(1000)]
    doc = Document(doc_id="varied", lang="en", title="t", body=" ".join(words))
    passages = split_document(doc)
    assert [len(p.text.split()) for p in passages] == [MAX_WORDS] * 5
    assert " ".join(p.text for p in passages) == doc.body


def test_a_run_on_sentence_after_a_normal_one_is_cut_where_it_stands() -> None:
    # the run-on sentence starts inside the paragraph: its cuts are offsets into the paragraph, not past it
    run_on = " ".join(f"w{i}" for i in range(450))
    doc = Document(doc_id="after", lang="en", title="t", body=f"The delegations met in Washington. {run_on}")
    passages = split_document(doc)
    assert [len(p.text.split()) for p in passages] == [5, MAX_WORDS, MAX_WORDS, 50]
    assert all(doc.body[p.char_start : p.char_end] == p.text for p in passages)
    assert " ".join(p.text for p in passages) == doc.body


def test_repeated_paragraphs_are_indexed_once_in_linear_time() -> None:
    body = "\n\n".join(["The delegations agreed to meet again."] * 5000 + ["A different closing paragraph."])
    doc = Document(doc_id="copies", lang="en", title="t", body=body)
    started = time.perf_counter()
    passages = split_document(doc)
    assert time.perf_counter() - started < 5
    assert [p.text for p in passages] == ["The delegations agreed to meet again.", "A different closing paragraph."]
    assert passages[1].ordinal == 5001  # numbering stays as printed
    taken: dict[str, int] = {}
    ids = [passage_id("d", "same", taken) for _ in range(3)]
    assert ids[1:] == [f"{ids[0]}-2", f"{ids[0]}-3"]
