"""`bnc eval --answers --train`: fit the sentence scorer and the calibrated confidence on dev halves only
(XQuAD dev articles 0-23, the commission set's dev half) and write the JSON artifact the Answerer reads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.answers import Record, summarize
from indexer.answers.answer import confidence_vector
from indexer.answers.scoring import AnswerModel, Linear

TARGET_PRECISION = 0.92  # on dev: precision among answered questions (the bar)
TARGET_FALSE = 0.05  # on dev: answers given to unanswerable questions (own and derived)


def _fit_linear(x: np.ndarray, y: np.ndarray, c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000).fit((x - scaler.mean_) / scale, y)
    return Linear(scaler.mean_.copy(), scale, lr.coef_[0].copy(), float(lr.intercept_[0]))


def question_rows(records: Sequence[Record], sentence: Linear) -> tuple[np.ndarray, np.ndarray]:
    """Per question with candidates: confidence features under `sentence`, and whether its top quote is right."""
    xs, ys = [], []
    for r in records:
        if not len(r.labels):
            continue
        logits = sentence.logit(r.features)
        order = np.argsort(-logits, kind="stable")
        xs.append(confidence_vector(r.features[order[:2]], [float(v) for v in logits[order[:2]]], r.is_question))
        ys.append(float(r.kind == "answerable" and bool(r.labels[order[0]])))
    return np.stack(xs), np.asarray(ys)


def choose_threshold(prob: np.ndarray, correct: np.ndarray, answerable: np.ndarray) -> float:
    """The lowest calibrated probability whose answers meet the dev targets (precision, false answers)."""
    for t in np.unique(prob):
        shown = prob >= t
        right = shown & (correct > 0)
        n_shown_ans = (shown & answerable).sum()
        precision = right.sum() / n_shown_ans if n_shown_ans else 1.0
        false = (shown & ~answerable).sum() / max((~answerable).sum(), 1)
        if precision >= TARGET_PRECISION and false <= TARGET_FALSE:
            return math.floor(float(t) * 10_000) / 10_000  # stored with 4 decimals: never above t itself
    return 0.5


def train(records: Sequence[Record]) -> tuple[AnswerModel, dict[str, Any]]:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import StratifiedKFold

    ranked = [r for r in records if r.kind == "answerable" and r.labels.any()]
    x = np.concatenate([r.features for r in ranked])
    y = np.concatenate([r.labels for r in ranked]).astype(int)
    sentence = _fit_linear(x, y, c=1.0)

    qx, qy = question_rows(records, sentence)
    answerable = np.array([r.kind == "answerable" for r in records if len(r.labels)])
    # out-of-fold confidence-model probabilities: the isotonic map is fitted on predictions the model
    # did not train on, so it corrects the model's own over-confidence on its training questions
    oof = np.zeros(len(qy))
    for fit_idx, held_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(qx, qy):
        lin = _fit_linear(qx[fit_idx], qy[fit_idx], c=1.0)
        oof[held_idx] = 1 / (1 + np.exp(-lin.logit(qx[held_idx])))
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(oof, qy)
    calibrated = iso.predict(oof)
    threshold = choose_threshold(calibrated, qy, answerable)
    confidence = _fit_linear(qx, qy, c=1.0)
    info = {
        "data": sorted({r.extra.get("set", "?") for r in records}),
        "trained_on": sorted({f"{r.direction}:{r.kind}" for r in records}),
        "sentences": len(y),
        "questions": len(qy),
        "positives": int(qy.sum()),
        "sklearn": "LogisticRegression(C=1) on standardised features; IsotonicRegression on 5-fold out-of-fold",
    }
    model = AnswerModel(
        sentence, confidence, np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_), threshold, info
    )
    return model, {"dev_oof": summarize_oof(calibrated, qy, answerable, threshold), **info}


def summarize_oof(prob: np.ndarray, correct: np.ndarray, answerable: np.ndarray, threshold: float) -> dict[str, Any]:
    from eval.answer_metrics import ece

    shown = prob >= threshold
    n_ans = int(answerable.sum())
    shown_ans = int((shown & answerable).sum())
    return {
        "threshold": round(threshold, 4),
        "answered": round(shown_ans / n_ans, 4) if n_ans else None,
        "precision": round(float((shown & (correct > 0)).sum()) / shown_ans, 4) if shown_ans else None,
        "false_answers": round(float((shown & ~answerable).sum()) / max(int((~answerable).sum()), 1), 4),
        "top1_contains_gold": round(float(correct[answerable].mean()), 4) if n_ans else None,
        "ece_in_sample": round(ece(prob, correct), 4),  # isotonic fitted on these: near 0 by construction
    }


__all__ = ["summarize", "train"]
