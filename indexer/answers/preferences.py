"""What the question pins down settles what the sentence scorer cannot: near-ties (a figure it states, the year,
month or number that tells one meeting from another; for who/which/where, a naming sentence) and which sentences
are the quote's rivals in the confidence's evidence (not its near copies, not other meetings')."""

from __future__ import annotations

import numpy as np

from indexer.answers.features import near_copies
from indexer.answers.scoring import SENTENCE_FEATURES
from indexer.answers.type_preference import prefer_typed, swap_to_best

# who/which/where: the naming sentence ahead of a near-tie (type_preference); off: rule 6 in eval/README.md (pooled
# dev, 848 who/which/where questions: the quote holds the answer for 622 with it and without)
PREFER_TYPED = False
PREFER_STATED_FIGURES = True  # rule 13 in eval/README.md
# other meetings' sentences as no rivals in the confidence's evidence, when the best sentence holds a phrase of the
# asked type (rule 18 in eval/README.md; for every best sentence, rule 17, near misses reached the `answer` level too
# often: .54 of the commission set's Spanish ones, over the .5 its test allows)
RIVALS_BY_FIGURE = True
FIGURE_MARGIN = 2.0  # logits: the quote's join margin (answer.JOIN_MARGIN), the scorer's own near-tie; not tuned
_TYPE_MATCH = SENTENCE_FEATURES.index("type_match")
_PASSAGE_FIGURE_MISS = SENTENCE_FEATURES.index("passage_figure_miss")


def prefer_stated(logits: np.ndarray, unstated: np.ndarray, margin: float = FIGURE_MARGIN) -> np.ndarray:
    """The best sentence whose passage says the question's figures takes the place of a best one whose passage
    (with its twins and its document's header) leaves one unsaid, when it scores within `margin`."""
    return swap_to_best(logits, ~np.asarray(unstated, dtype=bool), margin)


def rivals(features: np.ndarray) -> np.ndarray:
    """For candidates in score order, best first: which count as the best one's rivals in the confidence's
    evidence. When the best sentence holds a phrase of the asked type and its passage says every figure the question
    states, a sentence from a passage that leaves one unsaid (the same topic at another meeting) is no rival
    (eval/README.md rules 17-18). A best sentence without such a phrase is the right meeting's topic without the
    fact asked, as near misses are: its rivals stay."""
    unstated = features[:, _PASSAGE_FIGURE_MISS] > 0
    if not RIVALS_BY_FIGURE or not len(unstated) or unstated[0] or not features[0, _TYPE_MATCH] > 0:
        return np.ones(len(unstated), dtype=bool)
    return ~unstated


def contenders(texts: list[str], features: np.ndarray) -> np.ndarray:
    """For candidates in score order, best first: which stay (rules 15 and 18): not a near copy of a better one
    (fact sheets repeat each other), and a rival by `rivals`."""
    return ~np.array(near_copies(texts), dtype=bool) & rivals(features)


def prefer(
    logits: np.ndarray,
    features: np.ndarray,
    kind: str,
    typed: bool | None = None,
    figures: bool | None = None,
) -> np.ndarray:
    """The sentence logits after the preferences that are on (`features`: one SENTENCE_FEATURES row each; None:
    the module's switch)."""
    if PREFER_STATED_FIGURES if figures is None else figures:
        logits = prefer_stated(logits, features[:, _PASSAGE_FIGURE_MISS] > 0)
    if PREFER_TYPED if typed is None else typed:
        logits = prefer_typed(logits, features[:, _TYPE_MATCH] > 0, kind)
    return logits


__all__ = [
    "FIGURE_MARGIN",
    "PREFER_STATED_FIGURES",
    "PREFER_TYPED",
    "RIVALS_BY_FIGURE",
    "contenders",
    "prefer",
    "prefer_stated",
    "rivals",
]
