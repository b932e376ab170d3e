"""The learned sentence scorer and calibrated confidence, read from a small JSON artifact (no pickle).

`bnc eval --answers --train` fits them with scikit-learn on dev halves only (XQuAD dev articles, the
commission set's dev half) and writes `indexer/data/answer_model.json`: standardisation, logistic
regression coefficients for sentences, the same for the question-level confidence, and isotonic points
mapping that to the probability that the quote contains the answer. At run time it is a dot product
and an interpolation.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
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
    "passage_score",  # fused score of the passage, divided by the top one's
    "passage_cos",  # question-passage cosine
    "twin_cos",  # cosine of the question with the aligned sentence in the other language (else cos)
)
CONFIDENCE_FEATURES = (
    "top_logit",  # the best sentence's scorer logit
    "logit_gap",  # best minus second best
    "top_cos",
    "top_overlap",
    "is_question",  # a question rather than a keyword query
    "factoid_found",  # factoid question and an answer phrase was marked
    "top_passage_cos",
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
class AnswerModel:
    sentence: Linear
    confidence: Linear
    iso_x: np.ndarray  # isotonic points: confidence-model probability -> P(quote contains the answer)
    iso_y: np.ndarray
    threshold: float  # calibrated probability at which an answer is shown
    info: dict[str, Any]

    def sentence_logits(self, features: np.ndarray) -> np.ndarray:
        return self.sentence.logit(features)

    def probability(self, features: np.ndarray) -> float:
        raw = 1.0 / (1.0 + math.exp(-float(self.confidence.logit(features))))
        return float(np.interp(raw, self.iso_x, self.iso_y))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        if tuple(d["sentence_features"]) != SENTENCE_FEATURES or tuple(d["confidence_features"]) != CONFIDENCE_FEATURES:
            raise ValueError(f"{path} was trained on other features: retrain with `bnc eval --answers --train`")
        return cls(
            Linear.from_dict(d["sentence"]),
            Linear.from_dict(d["confidence"]),
            np.asarray(d["isotonic"]["x"], dtype=np.float64),
            np.asarray(d["isotonic"]["y"], dtype=np.float64),
            float(d["threshold"]),
            dict(d.get("info", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence_features": list(SENTENCE_FEATURES),
            "confidence_features": list(CONFIDENCE_FEATURES),
            "sentence": self.sentence.to_dict(),
            "confidence": self.confidence.to_dict(),
            "isotonic": {"x": [round(float(v), 6) for v in self.iso_x], "y": [round(float(v), 6) for v in self.iso_y]},
            "threshold": round(self.threshold, 4),
            "info": self.info,
        }


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
