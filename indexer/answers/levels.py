"""The answer card's levels, read from the calibrated probability that the quote holds the answer."""

from __future__ import annotations

LIKELY = 0.5  # a quote more likely right than not is shown, worded "Likely answer: check the passage"
# "answer" at or above the model's threshold (the operating point chosen on dev), "likely" from LIKELY up,
# "not_found" below it (the communiqués probably do not answer the question), "not_a_question" for a keyword
# search (no card)
LEVELS = ("answer", "likely", "not_found", "not_a_question")
SHOWN = ("answer", "likely")  # the levels at which the card shows the quote (`answered`)
NOT_A_QUESTION = "no answer card for a keyword search: ask a question to get a quoted answer"
NOT_FOUND = "not found in the communiqués"


def answer_level(confidence: float, threshold: float, question: bool) -> str:
    """The card's level (LEVELS) for a calibrated probability; a keyword search gets none."""
    if not question:
        return "not_a_question"
    if confidence >= max(threshold, LIKELY):
        return "answer"
    return "likely" if confidence >= LIKELY else "not_found"


__all__ = ["LEVELS", "LIKELY", "NOT_A_QUESTION", "NOT_FOUND", "SHOWN", "answer_level"]
