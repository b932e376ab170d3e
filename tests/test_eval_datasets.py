"""Loaders: the commission set, XQuAD (counts, parallel ids, BOM), Tatoeba, and a BEIR folder."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.datasets.beir import load_beir
from eval.datasets.commission import load_commission
from eval.datasets.locate import dataset_roots, datasets_dir
from eval.datasets.mlqa import load_mlqa
from eval.datasets.tatoeba import load_tatoeba
from eval.datasets.types import DatasetError, LabeledSet
from eval.datasets.xquad import BOM, load_xquad, load_xquad_single, read_squad
from tests.helpers import write_beir


@pytest.fixture(scope="module")
def shared() -> Path:
    try:
        return datasets_dir()
    except DatasetError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def xquad(shared: Path) -> LabeledSet:
    return load_xquad(shared)


def test_commission_counts_and_labels() -> None:
    labeled = load_commission()
    assert len(labeled.documents) == 2
    assert len(labeled.queries) == 196
    assert Counter(q.lang for q in labeled.queries) == {"en": 102, "es": 94}
    assert len(labeled.span_labels) == 144  # 52 unanswerable questions carry no labels
    assert labeled.level == "passage"


def test_commission_rejects_a_quote_not_in_the_corpus(tmp_path: Path) -> None:
    row = {"id": "en-999", "lang": "en", "question": "q", "answerable": True, "answers": {}}
    row["labels"] = [{"doc_id": "bnc-xix-2002-migration-consular-en", "quote": "not in the communiqué"}]
    path = tmp_path / "questions.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="en-999: quote not found"):
        load_commission(questions=path)


def test_datasets_folder_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert dataset_roots(tmp_path) == [tmp_path]
    monkeypatch.setenv("BNC_DATASETS", str(tmp_path / "missing"))
    with pytest.raises(DatasetError, match="BNC_DATASETS"):
        datasets_dir()


def test_xquad_counts_and_splits(xquad: LabeledSet) -> None:
    assert len(xquad.documents) == 480  # 240 paragraphs in each language
    assert len(xquad.queries) == 2 * 1190
    by_split = Counter((q.split, q.lang) for q in xquad.queries)
    assert by_split == {("dev", "en"): 632, ("dev", "es"): 632, ("test", "en"): 558, ("test", "es"): 558}
    dev_docs = {d for q in xquad.select("dev").queries for d in xquad.doc_qrels[q.qid]}
    assert all(int(d.split("-")[2]) < 24 for d in dev_docs)


def test_xquad_single_has_one_language_per_paragraph_and_asks_in_the_other(shared: Path) -> None:
    single = load_xquad_single(shared)
    paragraphs = Counter((d.meta["article"], d.meta["paragraph"]) for d in single.documents)
    assert len(paragraphs) == 240 and set(paragraphs.values()) == {1}  # each paragraph once, in one language
    assert Counter(d.lang for d in single.documents) == {"en": 120, "es": 120}
    langs = single.document_langs()
    assert len(single.queries) == 1190 and single.directions == ("mixed", "en-es", "es-en")
    for q in single.queries:
        (relevant,) = single.doc_qrels[q.qid]
        assert langs[relevant] != q.lang  # every question is cross-language: its only document is in the other
    refused = single.documents[0].meta["not_translation_of"].split(",")
    assert len(refused) == 120 and all(langs[x] != single.documents[0].lang for x in refused)


def test_xquad_is_parallel(xquad: LabeledSet) -> None:
    docs = {d.doc_id: d for d in xquad.documents}
    for doc in xquad.documents:
        if doc.lang == "es":
            twin = docs[str(doc.translation_of)]
            assert twin.lang == "en" and twin.doc_id == doc.doc_id.replace("-es-", "-en-")
            assert twin.title == doc.title
    ids = {q.qid for q in xquad.queries}
    for q in xquad.queries:
        other = ("es-" if q.lang == "en" else "en-") + q.qid[3:]
        assert other in ids
        assert xquad.doc_qrels[q.qid] == xquad.doc_qrels[other]
        assert {docs[d].lang for d in xquad.doc_qrels[q.qid]} == {"en", "es"}


def test_xquad_spanish_bom_is_stripped_and_answers_shifted(shared: Path, xquad: LabeledSet) -> None:
    raw = json.loads((shared / "xquad" / "xquad.es.json").read_text(encoding="utf-8"))
    with_bom = [
        (ai, pi) for ai, a in enumerate(raw["data"]) for pi, p in enumerate(a["paragraphs"]) if p["context"][0] == BOM
    ]
    assert with_bom == [(0, 0), (5, 0)]
    for lang in ("en", "es"):
        for para in read_squad(shared / "xquad" / f"xquad.{lang}.json"):
            assert BOM not in para.context
            for q in para.questions:
                for a in q.answers:
                    assert para.context[a.start : a.start + len(a.text)] == a.text
    assert not any(d.body.startswith(BOM) for d in xquad.documents)
    first = next(d for d in xquad.documents if d.doc_id == "xquad-es-00-00")
    assert first.body.startswith("Los Panthers")


def test_tatoeba_pairs(shared: Path) -> None:
    labeled = load_tatoeba(shared)
    assert len(labeled.documents) == 2000
    assert len(labeled.queries) == 2000
    assert labeled.directions == ("en-es", "es-en")
    assert labeled.doc_qrels["es-0001"] == {"tatoeba-en-0001": 1}
    docs = {d.doc_id: d for d in labeled.documents}
    assert all(d.translation_of is None for d in labeled.documents)  # the pairing is the label, not metadata
    assert docs["tatoeba-es-0001"].body == "No os desprecian."
    split = {q.qid: q.split for q in labeled.queries}
    assert (split["en-0500"], split["es-0501"]) == ("dev", "test") and labeled.splits == ["dev", "test"]


def test_beir_folder(tmp_path: Path) -> None:
    labeled = load_beir(write_beir(tmp_path / "My Set"))
    assert labeled.name == "my-set"
    docs = {d.doc_id: d for d in labeled.documents}
    assert set(docs) == {"d1", "d1-es", "d2"}  # the production reader slugs ids
    assert docs["d1-es"].lang == "es" and docs["d1-es"].translation_of == "d1"  # language detected
    assert docs["d2"].title == "Water"
    assert {q.qid: q.lang for q in labeled.queries} == {"q1": "en", "q2": "es"}  # q3 has no qrels
    assert labeled.doc_qrels == {"q1": {"d1": 1, "d1-es": 1}, "q2": {"d2": 2}}
    assert labeled.splits == ["test"]
    assert any("1 qrels rows" in n for n in labeled.notes)


def test_beir_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not a folder"):
        load_beir(tmp_path / "absent")
    root = write_beir(tmp_path / "set")
    (root / "qrels" / "test.tsv").unlink()
    with pytest.raises(DatasetError, match="no qrels"):
        load_beir(root)


def test_xquad_carries_parallel_gold_answers(xquad: LabeledSet) -> None:
    assert len(xquad.answers) == 2 * 1190
    first = xquad.queries[0].qid.split("-", 1)[1]
    assert xquad.answers[f"en-{first}"] == xquad.answers[f"es-{first}"]
    assert set(xquad.answers[f"en-{first}"]) == {"en", "es"}


def test_mlqa_splits_keep_subjects_apart_and_label_both_languages(shared: Path) -> None:
    mlqa = load_mlqa(shared)
    assert len(mlqa.documents) == 747 and not any(d.translation_of for d in mlqa.documents)
    assert Counter(q.lang for q in mlqa.queries) == {"en": 593, "es": 262}
    # every Spanish question has a gold paragraph in both languages; 262 English ones do too
    both = [q for q in mlqa.queries if len(mlqa.doc_qrels[q.qid]) == 2]
    assert Counter(q.lang for q in both) == {"en": 262, "es": 262}
    # a paragraph that answers a dev question never answers a test question
    golds = {
        split: {d for q in mlqa.queries if q.split == split for d in mlqa.doc_qrels[q.qid]} for split in mlqa.splits
    }
    assert mlqa.splits == ["dev", "test"] and not golds["dev"] & golds["test"]
    assert 0.4 < len(mlqa.select("dev").queries) / len(mlqa.queries) < 0.6
    q = mlqa.queries[0]
    assert mlqa.answers[q.qid][q.lang] in next(
        d.body for d in mlqa.documents if d.doc_id in mlqa.doc_qrels[q.qid] and d.lang == q.lang
    )
