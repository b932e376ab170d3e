"""The answers' evaluation data: MLQA read in place, collected records kept and read back, the CLI's levels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.answers import Record, _article_docs, load_records, save_records
from eval.datasets.mlqa import FOLDER
from eval.datasets.mlqa_answers import load_mlqa_answers
from service.cli_output import print_answer


def _mlqa(root: Path) -> Path:
    folder = root / FOLDER
    folder.mkdir(parents=True)
    passages = [
        {"id": "en/p00000", "lang": "en", "title": "Sandfly", "text": "The sandfly remains infected for its lifetime."},
        {"id": "en/p00001", "lang": "en", "title": "Sandfly", "text": "Sandflies bite at night."},
        {"id": "es/p00000", "lang": "es", "title": "Flebótomo", "text": "El flebótomo queda infectado de por vida."},
    ]
    queries = [
        {"qid": "en/a1", "id": "a1", "lang": "en", "question": "Does the infection go away?",
         "answer": "remains infected for its lifetime", "answer_start": 11,
         "gold_passage_ids": {"en": "en/p00000", "es": "es/p00000"}},
        {"qid": "es/a1", "id": "a1", "lang": "es", "question": "¿Se cura la infección?",
         "answer": "queda infectado de por vida", "answer_start": 12,
         "gold_passage_ids": {"en": "en/p00000", "es": "es/p00000"}},
    ]  # fmt: skip
    (folder / "passages.jsonl").write_text("\n".join(json.dumps(p) for p in passages), encoding="utf-8")
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries), encoding="utf-8")
    return root


def test_mlqa_asks_each_question_in_its_own_language(tmp_path: Path) -> None:
    labeled = load_mlqa_answers(_mlqa(tmp_path))
    assert labeled.directions == ("en-en", "es-es") and {q.split for q in labeled.queries} == {"dev"}
    assert labeled.answers["es-a1"] == {"es": "queda infectado de por vida"}
    assert labeled.doc_qrels["en-a1"] == {"mlqa-en-p00000": 1}
    # a derived unanswerable hides the question's article in its language: both English paragraphs
    assert _article_docs(labeled, "en-a1") == {"mlqa-en-p00000", "mlqa-en-p00001"}
    assert _article_docs(labeled, "es-a1") == {"mlqa-es-p00000"}


def test_collected_records_read_back_the_same(tmp_path: Path) -> None:
    feats = np.arange(6, dtype=float).reshape(2, 3)
    r = Record("en-en", "en-1", "When?", "answerable", "date", True, feats, np.array([True, False]), True, True, 0.7)
    r.extra = {"set": "xquad dev", "texts": ["a", "b"]}
    r.level, r.answerable = "likely", 0.8
    empty = Record(
        "en-en", "en-2", "Why?", "derived", "other", True, np.zeros((0, 1)), np.zeros(0, bool), False, False, 0.0
    )
    save_records([r, empty], tmp_path / "records.json.gz")
    back = load_records(tmp_path / "records.json.gz")
    assert np.array_equal(back[0].features, feats) and back[0].labels.tolist() == [True, False]
    assert (back[0].level, back[0].answerable, back[0].extra) == ("likely", 0.8, r.extra)
    assert len(back[1].labels) == 0


@pytest.mark.parametrize(
    ("level", "answered", "words"),
    [
        ("answer", True, "Answer (confidence 0.97)"),
        ("likely", True, "Likely answer, check the passage (confidence 0.62)"),
        ("not_found", False, "Not found in the communiqués (confidence 0.31)"),
    ],
)
def test_cli_prints_the_level(capsys: pytest.CaptureFixture[str], level: str, answered: bool, words: str) -> None:
    quote = {"lang": "en", "text": "The program ended.", "citation": {"label": "XIX BNC, ¶14"}}
    p = {"answer": 0.97, "likely": 0.62, "not_found": 0.31}[level]
    out = {"answered": answered, "level": level, "confidence": p, "hits": [], "twin": None}
    out |= {"answer": quote, "best_guess": None} if answered else {"answer": None, "best_guess": quote}
    print_answer(out)
    assert capsys.readouterr().out.startswith(words)
