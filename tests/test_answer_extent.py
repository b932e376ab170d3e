"""Token-boundary containment, number phrases that reach their qualifier and range,
and confidence folds that keep a question's directions together."""

from __future__ import annotations

import numpy as np
import pytest

from eval.answer_metrics import contains_answer
from eval.answer_train import question_groups, stored_threshold, train
from eval.answers import Record
from indexer.answers.answer_type import answer_phrase
from indexer.answers.phrase_extent import widen
from indexer.encoders import Encoder


def test_containment_is_by_whole_tokens_after_squad_normalisation() -> None:
    assert "dos" in "los Estados Unidos" and not contains_answer("los Estados Unidos", "dos", "es")
    assert contains_answer("Se reunieron dos veces en Monterrey.", "dos", "es")
    assert contains_answer("the U.S.-Mexico border", "Mexico", "en")  # punctuation splits words
    assert contains_answer("On September 30, 2002, the program ended.", "the September 30, 2002", "en")
    assert contains_answer("nearly 6 million cards", "6 MILLION", "en")
    assert not contains_answer("6 millions", "6 million", "en")
    assert not contains_answer("anything", "", "en")
    assert contains_answer("x the y", "the", "en")  # an article alone falls back to substring


@pytest.mark.parametrize(
    ("sentence", "question", "phrase"),
    [
        ("The collections include more than 70,000 works of art.", "How many works of art?", "more than 70,000"),
        ("Each species has 100–150 cells.", "How many cells?", "100–150"),
        ("Cada especie tiene de 100 a 150 células.", "¿Cuántas células?", "de 100 a 150"),
        ("They eat ten times their own weight.", "How much do they eat?", "ten times"),
        ("Mató a dos tercios de su población.", "¿Cuántas personas murieron?", "dos tercios"),
        ("Unemployment was 27-30% in the region.", "What percentage was unemployed?", "27-30%"),
        ("It issued 6 million cards.", "How many cards?", "6 million"),  # nothing to widen
    ],
)
def test_number_phrases_take_their_qualifier_range_and_multiplier(sentence: str, question: str, phrase: str) -> None:
    found = answer_phrase(sentence, question, "number")
    assert found is not None
    wide = widen(sentence, found)
    assert wide.text == phrase and sentence[wide.start : wide.end] == phrase


def test_each_widening_part_can_be_turned_off() -> None:
    sentence = "Over 100 to 150 delegates came."
    found = answer_phrase(sentence, "How many delegates?", "number")
    assert found is not None and found.text == "150"
    assert widen(sentence, found, {}).text == "150"
    assert widen(sentence, found, {"range": True}).text == "100 to 150"
    assert widen(sentence, found, {"range": True, "qualifier": True}).text == "Over 100 to 150"


def _record(qid: str, direction: str, right: bool, rng: np.random.Generator) -> Record:
    feats = rng.normal(size=(3, 42))
    labels = np.array([right, False, not right])
    return Record(direction, qid, "q?", "answerable", "other", True, feats, labels, right, False, 0.0)


def test_confidence_folds_keep_a_question_in_one_fold() -> None:
    rng = np.random.default_rng(0)
    records = [
        _record(f"{lang}-{i:03d}", d, bool(i % 3), rng)
        for i in range(40)
        for lang, d in (("en", "en-en"), ("es", "es-en"))
    ]
    groups = question_groups(records)
    assert groups[0] == groups[1] and groups[0] != groups[2]  # en-000 and es-000 are one question
    assert len(set(groups.tolist())) == 40
    from sklearn.model_selection import GroupKFold

    for fit, held in GroupKFold(5).split(np.zeros(len(records)), groups=groups):
        assert not set(groups[fit]) & set(groups[held])


def test_training_runs_on_grouped_folds() -> None:
    from indexer.answers.scoring import SENTENCE_FEATURES

    rng = np.random.default_rng(1)
    records = []
    for i in range(60):
        for lang, d in (("en", "en-en"), ("es", "es-es")):
            right = bool(i % 4)
            feats = rng.normal(size=(4, len(SENTENCE_FEATURES)))
            feats[0, 0] += 2.0 if right else 0.0
            labels = np.array([right, False, False, not right])
            r = Record(d, f"{lang}-{i:03d}", "q?", "answerable", "other", True, feats, labels, right, False, 0.0)
            texts = ["The program ended in 2002.", "It was extended.", "Both sides agreed.", "Cards were issued."]
            r.extra = {"set": "xquad dev", "passages": ["p"] * 4, "indices": [0, 2, 4, 6], "texts": texts}
            records.append(r)
    for r in records[:40]:
        r.extra["set"] = "commission dev"
    for r in records[::3]:  # every third question also asked with its article filtered out
        gone = Record(
            r.direction, r.qid, r.question, "derived", "other", True, r.features - 1.0, r.labels, False, False, 0.0
        )
        gone.extra = dict(r.extra)
        records.append(gone)
    model, report = train(records)
    assert "question-grouped" in model.info["sklearn"]
    assert 0.0 <= model.threshold <= 1.0 and report["dev_oof"]["all"]["at_threshold"]["answered"] is not None
    assert model.answerable is not None and model.calibration == "pooled"
    ece = report["dev_oof"]["all"]["ece"]
    assert ece["lo"] <= ece["ece"] <= ece["hi"]


def test_the_stored_threshold_shows_exactly_the_chosen_dev_rows() -> None:
    # two unanswerables at .948893 and an answerable at .948897 chosen as the threshold: flooring to four
    # decimals (.9488) let both unanswerables in; the stored value keeps them out
    prob = np.array([0.5, 0.948893, 0.948893, 0.948897, 0.99])
    t = stored_threshold(0.948897, prob)
    assert 0.948893 < t <= 0.948897 and int((prob >= t).sum()) == 2
    assert stored_threshold(0.9, np.array([0.1, 0.9])) == 0.9
    close = np.array([0.7000001, 0.7000004])  # nothing with 6 decimals fits between: the value itself
    assert stored_threshold(0.7000004, close) == 0.7000004


def test_the_reader_bench_feeds_texts_of_the_asked_length(encoder: Encoder) -> None:
    from bench.reader_cost import QUESTION, exact_length

    words = ("the binational commission met in Mexico City to review border safety and consular issues " * 40).split()
    for n in (64, 256):
        text = exact_length(encoder, words, n)
        count = encoder.token_count(text)  # type: ignore[attr-defined]
        assert text.startswith(QUESTION) and n - 3 <= count <= n
