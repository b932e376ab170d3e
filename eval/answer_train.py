"""`bnc eval --answers --train`: fit the sentence scorer and the calibrated confidence on dev halves only
(XQuAD dev articles 0-23, the commission set's dev half) and write the JSON artifact the Answerer reads."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval.answer_phrase_train import PHRASE_SCORER, PHRASE_TREES, fit_phrase, phrase_examples
from eval.answers import Record, summarize
from indexer.answers.answer import JOIN_MARGIN, LIST_TYPES
from indexer.answers.features import confidence_vector, join_partner, softmax_shares
from indexer.answers.headers import demote_headers
from indexer.answers.preferences import PREFER_TYPED, contenders, prefer
from indexer.answers.scoring import AnswerModel, Linear, Trees
from indexer.answers.type_preference import NAMING

TRAIN_SETS = ("commission", "xquad", "mlqa-answers")  # dev data: commission dev half, XQuAD 0-23, MLQA half A
PRECISION_FLOOR = 0.90  # on pooled dev: precision among answer-level questions (eval/README.md's rule)
PLAIN_FALSE = 0.10  # on pooled dev: plain (derived) unanswerables at the answer level
# boosted trees for the sentence scorer: boosting beat logistic regression on XQuAD dev by question-grouped
# 5-fold CV (top-1 .816 -> .838 with HistGradientBoosting, whose trees can only be read through private
# attributes; this public-API GradientBoosting gives dev out-of-fold .824 with joins against HGB's .855,
# and 15-leaf trees with subsample .3 gave .796); the walk of all trees at once is about 1-2 ms
# the shipped scorer: on dev out-of-fold rows with adjacent-sentence joins, logistic regression on these
# features reaches .854 and these public-API trees .824, so the trees stay an option ("trees"), not the default
SCORER = "linear"
TREES = {"n_estimators": 150, "learning_rate": 0.15, "max_depth": 3, "subsample": 0.5, "random_state": 0}


def _fit_linear(x: np.ndarray, y: np.ndarray, c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000).fit((x - scaler.mean_) / scale, y)
    return Linear(scaler.mean_.copy(), scale, lr.coef_[0].copy(), float(lr.intercept_[0]))


def fit_soft_linear(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> Linear:
    """Logistic regression on soft labels in [0, 1]: each row once as a positive weighted y, once as a
    negative weighted 1 - y."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    both = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    lr = LogisticRegression(C=c, max_iter=3000).fit(np.concatenate([z, z]), both, sample_weight=np.r_[y, 1 - y])
    return Linear(scaler.mean_.copy(), scale, lr.coef_[0].copy(), float(lr.intercept_[0]))


def fit_trees(x: np.ndarray, y: np.ndarray) -> Trees:
    """Gradient boosting (scikit-learn), exported to flat node arrays through the public `tree_` of each
    stage, and checked against scikit-learn's own decision function."""
    from sklearn.ensemble import GradientBoostingClassifier

    gbc = GradientBoostingClassifier(**TREES).fit(x, y)
    prior = float(gbc.init_.class_prior_[1])
    trees = export_trees(gbc, math.log(prior / (1 - prior)))
    probe = x[:: max(len(x) // 2000, 1)]
    if not np.allclose(trees.logit(probe), gbc.decision_function(probe), atol=1e-6):
        raise AssertionError("exported trees disagree with scikit-learn")
    return trees


def export_trees(gbm: Any, base: float) -> Trees:
    """A fitted scikit-learn GradientBoosting model's stages as flat node arrays (public `tree_` only)."""
    stages = [est.tree_ for est in gbm.estimators_[:, 0]]
    width = max(t.node_count for t in stages)
    shape = (len(stages), width)
    feature, left, right = (np.full(shape, -1, np.int64), np.zeros(shape, np.int64), np.zeros(shape, np.int64))
    threshold, value = np.zeros(shape), np.zeros(shape)
    for i, t in enumerate(stages):
        k = t.node_count
        leaf = t.children_left[:k] < 0
        feature[i, :k] = np.where(leaf, -1, t.feature[:k])
        threshold[i, :k] = t.threshold[:k]
        left[i, :k], right[i, :k] = np.where(leaf, 0, t.children_left[:k]), np.where(leaf, 0, t.children_right[:k])
        value[i, :k] = t.value[:k, 0, 0] * gbm.learning_rate
    depth = int(max(t.max_depth for t in stages)) + 1
    return Trees(feature, threshold, left, right, value, base, depth)


def question_rows(
    records: Sequence[Record], sentence: Linear | Trees, logits: Sequence[np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per question with candidates: confidence features under `sentence`, and whether its top quote is right."""
    xs, ys = [], []
    for i, r in enumerate(records):
        if not len(r.labels):
            continue
        lg = logits[i] if logits is not None else sentence.logit(r.features)
        # as the Answerer does: heading, dateline and title lines below every statement
        lg = selection_logits(r, lg, PREFER_TYPED)
        # as the Answerer does: near copies of a better sentence and other meetings' sentences dropped (rules 15, 18)
        texts = r.extra.get("served", r.extra["texts"])
        ranked = np.argsort(-lg, kind="stable")
        keep = ranked[contenders([texts[j] for j in ranked], r.features[ranked])]
        lg, features, labels = lg[keep], r.features[keep], r.labels[keep]
        order = np.arange(len(keep))
        partner = None
        if r.answer_kind not in LIST_TYPES:
            passages, indices = [r.extra["passages"][j] for j in keep], [r.extra["indices"][j] for j in keep]
            partner = join_partner(list(lg), passages, indices, JOIN_MARGIN)
        top = [float(v) for v in lg[order[:2]]]
        shares = softmax_shares(list(lg), int(order[0]), partner)
        xs.append(confidence_vector(features[order[:2]], top, r.is_question, partner is not None, shares))
        right = bool(labels[order[0]]) or (partner is not None and bool(labels[partner]))
        ys.append(float(r.kind == "answerable" and right))
    return np.stack(xs), np.asarray(ys)


def selection_logits(r: Record, logits: np.ndarray, typed: bool) -> np.ndarray:
    """As the Answerer selects: header lines below every statement, then the near-tie from a passage that says the
    question's figures and (when `typed`) the naming sentence of a who/which/where question."""
    lg = demote_headers(logits, r.extra.get("served", r.extra["texts"]), r.question, r.answer_kind)
    return prefer(lg, r.features, r.answer_kind, typed)


def type_preference_check(records: Sequence[Record], logits: Sequence[np.ndarray]) -> dict[str, Any]:
    """eval/README.md rule 6: on answerable who/which/where questions, how often the top quote holds the
    answer with and without the type preference (out-of-fold sentence logits)."""
    counts = {"questions": 0, "without": 0, "with": 0}
    for r, lg in zip(records, logits, strict=True):
        if r.kind != "answerable" or r.answer_kind not in NAMING or not len(r.labels):
            continue
        counts["questions"] += 1
        for name, typed in (("without", False), ("with", True)):
            counts[name] += int(r.labels[int(np.argmax(selection_logits(r, lg, typed)))])
    return counts


def smooth_isotonic(raw: np.ndarray, fitted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The isotonic steps as points at each step's centre, joined linearly: still monotone and fitted to
    the same data, but without flat plateaus, so a threshold can fall between two questions rather than
    only at a step's edge (with steps the dev answer rate jumped from .86 to .67 between two points).
    Each step's level gets one success and one failure added (Laplace): a step of 40 right answers out of
    40 says 41/42, not 100%, which small sets (the commission's 64 dev questions) would otherwise claim."""
    xs, ys = [], []
    for level in np.unique(fitted):
        inside = fitted == level
        count = int(inside.sum())
        xs.append(float(raw[inside].mean()))
        ys.append((float(level) * count + 1.0) / (count + 2.0))
    order = np.argsort(xs)
    x, y = np.asarray(xs)[order], np.maximum.accumulate(np.asarray(ys)[order])
    return np.concatenate([[0.0], x, [1.0]]), np.concatenate([[y[0]], y, [y[-1]]])


def fit_sentence(x: np.ndarray, y: np.ndarray) -> Linear | Trees:
    return fit_trees(x, y) if SCORER == "trees" else _fit_linear(x, y, c=1.0)


def question_groups(records: Sequence[Record]) -> np.ndarray:
    """A group id per record: one question in every direction (and its derived row) shares one id."""
    base = [f"{r.extra.get('set', '')}:{r.qid.split('-', 1)[-1]}" for r in records]
    names = {g: i for i, g in enumerate(sorted(set(base)))}
    return np.array([names[g] for g in base], dtype=np.int64)


def out_of_fold_logits(records: Sequence[Record], folds: int = 5) -> list[np.ndarray]:
    """Each record's sentence logits from a scorer fitted without its question (in any direction)."""
    from sklearn.model_selection import GroupKFold

    groups = question_groups(records)
    out: list[np.ndarray] = [np.zeros(len(r.labels)) for r in records]
    for fit_idx, held_idx in GroupKFold(folds).split(np.zeros(len(records)), groups=groups):
        fit = [records[i] for i in fit_idx if records[i].kind == "answerable" and records[i].labels.any()]
        scorer = fit_sentence(np.concatenate([r.features for r in fit]), np.concatenate([r.labels for r in fit]))
        for i in held_idx:
            if len(records[i].labels):
                out[i] = scorer.logit(records[i].features)
    return out


def choose_threshold(prob: np.ndarray, correct: np.ndarray, kinds: np.ndarray) -> float:
    """The `answer` level's threshold by the rule in eval/README.md (issue 27): the lowest dev probability at
    which precision among answerable questions at or above it is >= PRECISION_FLOOR and the share of plain
    (derived) unanswerables at or above it is <= PLAIN_FALSE; near-miss unanswerables are only reported.
    When no probability meets both, the lowest that meets precision alone (and the report says so)."""
    answerable, plain = kinds == "answerable", kinds == "derived"
    n_plain = max(int(plain.sum()), 1)
    meets, precise = [], []
    for t in np.unique(prob):
        shown = prob >= t
        n_shown = int((shown & answerable).sum())
        precision = float((shown & answerable & (correct > 0)).sum()) / n_shown if n_shown else 1.0
        if precision >= PRECISION_FLOOR:
            precise.append(float(t))
            if float((shown & plain).sum()) / n_plain <= PLAIN_FALSE:
                meets.append(float(t))
    chosen = min(meets) if meets else min(precise) if precise else 0.5
    return stored_threshold(chosen, prob)


def stored_threshold(t: float, prob: np.ndarray) -> float:
    """`t` with 6 decimals, never above it and never at or below the next lower dev value, so the stored
    threshold shows exactly the dev rows chosen (flooring to 4 decimals can let dev rows just above the
    chosen point in under the stored threshold)."""
    lower = prob[prob < t]
    short = math.floor(t * 1_000_000) / 1_000_000
    return short if not lower.size or short > float(lower.max()) else float(t)


def oof_probability(x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 5) -> np.ndarray:
    """Logistic regression's out-of-fold probabilities, folds grouped by question."""
    from sklearn.model_selection import GroupKFold

    oof = np.zeros(len(y))
    for fit_idx, held_idx in GroupKFold(folds).split(x, y, groups=groups):
        lin = _fit_linear(x[fit_idx], y[fit_idx], c=1.0)
        oof[held_idx] = 1 / (1 + np.exp(-lin.logit(x[held_idx])))
    return oof


def isotonic_points(oof: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(oof, y)
    return smooth_isotonic(oof, iso.predict(oof))


def train(records: Sequence[Record]) -> tuple[AnswerModel, dict[str, Any]]:
    from eval.answer_metrics import ece_interval

    ranked = [r for r in records if r.kind == "answerable" and r.labels.any()]
    x = np.concatenate([r.features for r in ranked])
    y = np.concatenate([r.labels for r in ranked]).astype(int)
    sentence = fit_sentence(x, y)
    # the confidence model learns from sentence logits the scorer did not train on: trees fit their own
    # training questions far better than new ones, and the confidence must describe new ones
    oof_logits = out_of_fold_logits(records)
    qx, qy = question_rows(records, sentence, oof_logits)
    rows = [r for r in records if len(r.labels)]
    kinds = np.array([r.kind for r in rows])
    answerable = kinds == "answerable"
    sets = np.array([r.extra.get("set", "?") for r in rows])
    groups = question_groups(rows)
    # P(the quote holds the answer): the isotonic map is fitted on out-of-fold predictions (folds grouped by
    # question: a question's other directions never train its prediction), over all pooled dev rows
    oof = oof_probability(qx, qy, groups)
    iso_x, iso_y = isotonic_points(oof, qy)
    calibrated = np.interp(oof, iso_x, iso_y)
    threshold = choose_threshold(calibrated, qy, kinds)
    confidence = _fit_linear(qx, qy, c=1.0)
    # P(the archive answers the question): the same question-level evidence, labelled by answerability
    archive: tuple[Linear, np.ndarray, np.ndarray] | None = None
    a_cal = np.full(len(qy), float(answerable.mean()))
    if 0 < answerable.sum() < len(answerable):  # both kinds of question are there to learn from
        a_oof = oof_probability(qx, answerable.astype(float), groups)
        a_x, a_y = isotonic_points(a_oof, answerable.astype(float))
        a_cal = np.interp(a_oof, a_x, a_y)
        archive = (_fit_linear(qx, answerable.astype(float), c=1.0), a_x, a_y)
    info = {
        "data": sorted({r.extra.get("set", "?") for r in records}),
        "trained_on": sorted({f"{r.direction}:{r.kind}" for r in records}),
        "sentences": len(y),
        "questions": len(qy),
        "positives": int(qy.sum()),
        "sklearn": (
            "LogisticRegression(C=1) on standardised features"
            if SCORER == "linear"
            else f"GradientBoostingClassifier({TREES})"
        )
        + " for sentences, on 5-fold out-of-fold logits: "
        "LogisticRegression(C=1) confidence, IsotonicRegression on its 5-fold (question-grouped) out-of-fold "
        "predictions over all pooled dev rows, its steps joined at their centres; the same for answerability",
        "threshold_rule": "eval/README.md, issue 27: lowest dev p with precision >= .90 and plain false <= .10",
    }
    phrase = None
    info["phrase"] = "the rule-based picker (indexer.answers.answer_type.answer_phrase)"
    if PHRASE_SCORER != "rule":
        examples = phrase_examples(records)
        phrase = fit_phrase(examples.x, examples.f1, PHRASE_SCORER)
        info["phrase"] = (
            f"{PHRASE_SCORER} ({PHRASE_TREES if PHRASE_SCORER == 'trees' else 'soft-label LogisticRegression'}) "
            f"on {len(examples.x)} dev sentences holding the gold answer of a factoid question, labels = token F1"
        )
    model = AnswerModel(sentence, confidence, iso_x, iso_y, threshold, info, {}, "pooled", phrase, archive)
    by_set: dict[str, Any] = {}
    for name in ["all", *sorted(set(sets))]:
        m = np.ones(len(sets), dtype=bool) if name == "all" else sets == name
        by_set[name] = {
            "at_threshold": summarize_oof(calibrated[m], qy[m], kinds[m], threshold),
            "at_0.5": summarize_oof(calibrated[m], qy[m], kinds[m], 0.5),
            "ece": ece_interval(calibrated[m], qy[m], groups[m]),
            "answerable_ece": ece_interval(a_cal[m], answerable[m].astype(float), groups[m]),
        }
    preference = type_preference_check(records, oof_logits)
    return model, {
        "dev_oof": by_set,
        "type_preference": preference,
        **info,
        "curve": operating_curve(calibrated, qy, kinds),
    }


CURVE_POINTS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.72, 0.74, 0.76, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9, 0.92, 0.95)


def operating_curve(prob: np.ndarray, correct: np.ndarray, kinds: np.ndarray) -> list[dict[str, Any]]:
    """Answer rate, precision and false answers (plain and near-miss) at each threshold (dev, out of fold)."""
    keys = ("threshold", "answered", "precision", "plain_false", "near_miss_false")
    return [{k: summarize_oof(prob, correct, kinds, t)[k] for k in keys} for t in CURVE_POINTS]


def render_curve(curve: list[dict[str, Any]], chosen: float, counts: dict[str, int]) -> str:
    lines = [
        "# Answer operating curve: pooled dev, out-of-fold calibrated confidence",
        "",
        f"{counts.get('answerable', 0)} answerable, {counts.get('derived', 0)} plain (derived) and "
        f"{counts.get('unanswerable', 0)} near-miss unanswerable question rows. The `answer` level's threshold: "
        f"{chosen:.4f}; the card (`likely` and up) from 0.5.",
        "",
        "| threshold | answer rate | precision | plain unanswerables answered | near-miss answered |",
        "|---:|---:|---:|---:|---:|",
    ]
    for row in curve:
        keys = ("answered", "precision", "plain_false", "near_miss_false")
        cells = ["-" if row[k] is None else f"{row[k]:.3f}" for k in keys]
        lines.append(f"| {row['threshold']:.2f} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def summarize_oof(prob: np.ndarray, correct: np.ndarray, kinds: np.ndarray, threshold: float) -> dict[str, Any]:
    shown = prob >= threshold
    answerable, plain, near = kinds == "answerable", kinds == "derived", kinds == "unanswerable"
    n_ans = int(answerable.sum())
    shown_ans = int((shown & answerable).sum())

    def share(mask: np.ndarray) -> float | None:
        return round(float((shown & mask).sum()) / int(mask.sum()), 4) if mask.any() else None

    return {
        "threshold": round(threshold, 4),
        "answered": round(shown_ans / n_ans, 4) if n_ans else None,
        "precision": round(float((shown & answerable & (correct > 0)).sum()) / shown_ans, 4) if shown_ans else None,
        "plain_false": share(plain),
        "near_miss_false": share(near),
        "top1_contains_gold": round(float(correct[answerable].mean()), 4) if n_ans else None,
    }


__all__ = ["summarize", "train"]
