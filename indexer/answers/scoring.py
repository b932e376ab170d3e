"""The learned sentence scorer and calibrated confidence, read from a small JSON artifact (no pickle).

`bnc eval --answers --train` fits them with scikit-learn on dev halves only (XQuAD dev articles, the
commission set's dev half) and writes `indexer/data/answer_model.json`: standardisation, logistic
boosted trees (flat node arrays) or logistic regression coefficients for sentences, logistic regression
for the question-level confidence, and isotonic points mapping that to the probability that the quote
contains the answer. At run time it is a walk of small trees, a dot product and an interpolation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "answer_model.json"

SENTENCE_FEATURES = (
    "cos",  # question-sentence cosine
    "cos_gap",  # cosine minus the best cosine among all candidate sentences
    "cos_rank_inv",  # 1 / rank of the cosine among candidates
    "overlap",  # share of the question's analyzed terms in the sentence
    "overlap_gap",  # overlap minus the best overlap among candidates
    "idf_overlap",  # the same, each term weighted by its rarity among the candidate sentences
    "idf_overlap_gap",
    "bigrams",  # share of the question's word pairs (accents folded) in the sentence
    "bigrams_gap",
    "type_match",  # a factoid question and the sentence has a phrase of its type (not from the question)
    "type_miss",  # a factoid question and no phrase of its type
    "cos_x_type",
    "idf_x_type",
    "position",  # sentence index / sentences in passage
    "first",  # the passage's first sentence
    "length",  # log of characters
    "prev_cos",  # the neighbouring sentences (0 at the passage's edges)
    "next_cos",
    "prev_idf_overlap",
    "next_idf_overlap",
    "passage_rank_inv",  # 1 / passage rank
    "passage_score",  # exp(ranking score - top hit's): the passage's softmax weight relative to the top one
    # (the learned ranker's scores are listwise-softmax logits: differences count, not their scale or sign)
    "passage_cos",  # question-passage cosine
    "twin_cos",  # cosine of the question with the aligned sentence in the other language (else cos)
    "rarest_hit",  # the question's rarest term (among the candidates) is in the sentence
    "novel",  # share of the sentence's terms that are not the question's
    "anaphor",  # the sentence opens with "this", "it", "esto", ... (it continues the previous one)
    "anaphor_x_prev_idf",
    "prev_type_match",
    "next_type_match",
    "cos_rank_in_passage",  # 1 / rank of the cosine among the sentences of its own passage
    "idf_overlap_rank_in_passage",
    # the question's qualifiers (indexer.answers.constraints): a year, number or month ("in fiscal year 2001"),
    # a name ("in Arizona"); a near miss quotes the right topic without them
    "figure_miss",  # a year, number or month of the question is in neither the sentence nor its twin
    "name_miss",  # share of the question's names in neither
    "passage_figure_miss",  # the same for the sentence's passage (and its twin passages)
    "passage_name_miss",
    "min_figure_miss",  # the least figure_miss over all candidates: no sentence says "2001"
    "min_name_miss",
    "has_constraints",  # the question has any qualifier
    "money_miss",  # the question asks for an amount of money and the sentence states none
    "passage_overlap",  # share of the question's analyzed terms in the sentence's passage
    "all_overlap",  # share of the question's analyzed terms in any candidate sentence
)
CONFIDENCE_FEATURES = (
    "top_logit",  # the best sentence's scorer logit
    "logit_gap",  # best minus second best
    "top_cos",
    "top_overlap",
    "is_question",  # a question rather than a keyword query
    "factoid_found",  # factoid question and an answer phrase was marked
    "top_passage_cos",
    "joined",  # the quote is the best sentence and its neighbour (indexer.answers.features.join_partner)
    "top_share",  # softmax share of the best sentence's logit among all candidates
    "quote_share",  # the same for the quoted sentences (best and joined neighbour)
    "top_type_miss",  # a factoid question and the best sentence holds no phrase of the asked type
    "top_idf_overlap",  # the best sentence's rarity-weighted share of the question's terms
    "top_rarest_hit",  # the question's rarest term is in the best sentence
    "top_figure_miss",  # the best sentence's figure_miss, and so on (SENTENCE_FEATURES)
    "top_name_miss",
    "top_passage_figure_miss",
    "top_passage_name_miss",
    "min_figure_miss",
    "min_name_miss",
    "has_constraints",
    "top_money_miss",
    "top_passage_overlap",
    "all_overlap",
)


@dataclass(frozen=True)
class Linear:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Linear:
        return cls(
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees as flat arrays (trees x nodes): a sample goes left when its feature is at
    or below the threshold; the logit is the base plus the leaf values. Walked for all trees at once."""

    feature: np.ndarray  # int, -1 at leaves
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    base: float
    depth: int

    def logit(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        t = np.arange(len(self.feature))[:, None]
        node = np.zeros((len(self.feature), len(x)), dtype=np.int64)
        rows = np.arange(len(x))[None, :]
        for _ in range(self.depth):
            f = self.feature[t, node]
            leaf = f < 0
            go_left = x[rows, np.where(leaf, 0, f)] <= self.threshold[t, node]
            node = np.where(leaf, node, np.where(go_left, self.left[t, node], self.right[t, node]))
        return self.value[t, node].sum(axis=0) + self.base

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Trees:
        trees = d["trees"]
        width = max(len(tr["feature"]) for tr in trees)

        def pad(key: str, fill: float, dtype: Any) -> np.ndarray:
            return np.array([tr[key] + [fill] * (width - len(tr[key])) for tr in trees], dtype=dtype)

        return cls(
            pad("feature", -1, np.int64),
            pad("threshold", 0.0, np.float64),
            pad("left", 0, np.int64),
            pad("right", 0, np.int64),
            pad("value", 0.0, np.float64),
            float(d["base"]),
            int(d["depth"]),
        )

    def to_dict(self) -> dict[str, Any]:
        trees = []
        for i in range(len(self.feature)):
            n = int((self.left[i] > 0).sum() * 2 + 1)  # a full binary tree: internal nodes x 2 + 1
            trees.append(
                {
                    "feature": [int(v) for v in self.feature[i, :n]],
                    "threshold": [round(float(v), 6) for v in self.threshold[i, :n]],
                    "left": [int(v) for v in self.left[i, :n]],
                    "right": [int(v) for v in self.right[i, :n]],
                    "value": [round(float(v), 6) for v in self.value[i, :n]],
                }
            )
        return {"kind": "trees", "base": round(self.base, 6), "depth": self.depth, "trees": trees}


def _sentence_model(d: dict[str, Any]) -> Linear | Trees:
    return Trees.from_dict(d) if d.get("kind") == "trees" else Linear.from_dict(d)


@dataclass(frozen=True)
class AnswerModel:
    sentence: Linear | Trees
    confidence: Linear
    iso_x: np.ndarray  # isotonic points: confidence-model probability -> P(quote contains the answer)
    iso_y: np.ndarray
    threshold: float  # calibrated probability at which an answer is shown
    info: dict[str, Any]
    # other calibrations of the same confidence model, by source: name -> (iso_x, iso_y, threshold); the
    # fields above are the default one (the commission's own, for the communiqués the service serves)
    calibrations: dict[str, tuple[np.ndarray, np.ndarray, float]] = field(default_factory=dict)
    calibration: str = "pooled"  # the name of the calibration in iso_x / iso_y / threshold
    # the answer-phrase ranker over candidate spans (indexer.answers.phrases); None: the rule-based picker
    phrase: Linear | Trees | None = None
    # P(the archive answers the question): logistic regression on the same question-level features and its
    # isotonic points; None in models trained before it
    answerable: tuple[Linear, np.ndarray, np.ndarray] | None = None

    def for_source(self, name: str) -> AnswerModel:
        """The same scorer with the calibration fitted for `name` (e.g. "pooled" for XQuAD)."""
        if name == self.calibration:
            return self
        if name not in self.calibrations:
            raise KeyError(f"no calibration {name!r}: have {self.calibration}, {', '.join(self.calibrations)}")
        x, y, t = self.calibrations[name]
        return replace(self, iso_x=x, iso_y=y, threshold=t, calibration=name)

    def sentence_logits(self, features: np.ndarray) -> np.ndarray:
        return self.sentence.logit(features)

    def probability(self, features: np.ndarray) -> float:
        raw = 1.0 / (1.0 + math.exp(-float(self.confidence.logit(features))))
        return float(np.interp(raw, self.iso_x, self.iso_y))

    def answerable_probability(self, features: np.ndarray) -> float | None:
        """The calibrated probability that the archive answers the question at all (None without the model)."""
        if self.answerable is None:
            return None
        lin, x, y = self.answerable
        return float(np.interp(1.0 / (1.0 + math.exp(-float(lin.logit(features)))), x, y))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        if tuple(d["sentence_features"]) != SENTENCE_FEATURES or tuple(d["confidence_features"]) != CONFIDENCE_FEATURES:
            raise ValueError(f"{path} was trained on other features: retrain with `bnc eval --answers --train`")
        others = {
            name: (np.asarray(c["x"], dtype=np.float64), np.asarray(c["y"], dtype=np.float64), float(c["threshold"]))
            for name, c in d.get("calibrations", {}).items()
        }
        phrase = None
        if "phrase" in d:
            from indexer.answers.phrases import PHRASE_FEATURES

            if tuple(d["phrase_features"]) != PHRASE_FEATURES:
                raise ValueError(f"{path}: the phrase ranker was trained on other features: retrain")
            phrase = _sentence_model(d["phrase"])
        answerable = None
        if "answerable" in d:
            a = d["answerable"]
            answerable = (
                Linear.from_dict(a["model"]),
                np.asarray(a["x"], dtype=np.float64),
                np.asarray(a["y"], dtype=np.float64),
            )
        return cls(
            _sentence_model(d["sentence"]),
            Linear.from_dict(d["confidence"]),
            np.asarray(d["isotonic"]["x"], dtype=np.float64),
            np.asarray(d["isotonic"]["y"], dtype=np.float64),
            float(d["threshold"]),
            dict(d.get("info", {})),
            others,
            str(d.get("calibration", "pooled")),
            phrase,
            answerable,
        )

    def to_dict(self) -> dict[str, Any]:
        return (
            {
                "sentence_features": list(SENTENCE_FEATURES),
                "confidence_features": list(CONFIDENCE_FEATURES),
                "sentence": self.sentence.to_dict(),
                "confidence": self.confidence.to_dict(),
                "isotonic": {
                    "x": [round(float(v), 6) for v in self.iso_x],
                    "y": [round(float(v), 6) for v in self.iso_y],
                },
                "threshold": self.threshold,  # as chosen, unrounded (eval.answer_train.stored_threshold)
                "calibration": self.calibration,
                "calibrations": {
                    name: {"x": [round(float(v), 6) for v in x], "y": [round(float(v), 6) for v in y], "threshold": t}
                    for name, (x, y, t) in self.calibrations.items()
                },
                "info": self.info,
            }
            | self._phrase_dict()
            | self._answerable_dict()
        )

    def _answerable_dict(self) -> dict[str, Any]:
        if self.answerable is None:
            return {}
        lin, x, y = self.answerable
        pts = {"x": [round(float(v), 6) for v in x], "y": [round(float(v), 6) for v in y]}
        return {"answerable": {"model": lin.to_dict(), **pts}}

    def _phrase_dict(self) -> dict[str, Any]:
        if self.phrase is None:
            return {}
        from indexer.answers.phrases import PHRASE_FEATURES

        return {"phrase_features": list(PHRASE_FEATURES), "phrase": self.phrase.to_dict()}


def default_model() -> AnswerModel:
    """The shipped model; its absence is a packaging error, not something to train at run time."""
    return AnswerModel.load(MODEL_PATH)


def hand_model() -> AnswerModel:
    """The previous hand weights (cos + 0.15 overlap + 0.02 / rank) as a model, before any training:
    used to collect training features and as the baseline, never shipped as the confidence."""
    n = len(SENTENCE_FEATURES)
    coef = np.zeros(n)
    coef[SENTENCE_FEATURES.index("cos")] = 1.0
    coef[SENTENCE_FEATURES.index("overlap")] = 0.15
    coef[SENTENCE_FEATURES.index("passage_rank_inv")] = 0.02
    conf = np.zeros(len(CONFIDENCE_FEATURES))
    conf[CONFIDENCE_FEATURES.index("top_logit")] = 1.0
    ident = Linear(np.zeros(n), np.ones(n), coef, 0.0)
    # confidence: the old linear map (score - 0.84) / 0.16, clipped; threshold 0.5
    m = len(CONFIDENCE_FEATURES)
    conf_lin = Linear(np.zeros(m), np.ones(m), conf * 30.0, -0.92 * 30.0)
    return AnswerModel(ident, conf_lin, np.array([0.0, 1.0]), np.array([0.0, 1.0]), 0.5, {"name": "hand"})
