"""Heading, dateline, place and title lines: never offered as the answer to a question about something else.

A communiqué as it comes starts with lines such as "JOINT COMMUNIQUE", "Oaxaca, Oax., September 1999",
"May 5, 1997" or "Working Group on Migration and Consular Affairs". Where such a line is still a passage
(intake has not moved it into the document's metadata), it matches a question's words and can hold its
type (a date, a place) without saying anything about what was asked. The answer selection pushes these
lines below every statement unless the question asks when or where the meeting itself took place.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from indexer.answers.answer_type import fold

HEADER_PENALTY = 50.0  # logits below every statement: a header line is quoted only when nothing else is found
MAX_WORDS = 14  # headings, datelines and title blocks are short; a longer line is read as a statement

_MONTHS = (
    "january february march april may june july august september october november december "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre"
)
_MONTH = frozenset(_MONTHS.split())
_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*|\d[\d.,/\-]*")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)\D?$")
# words that link the parts of a heading or dateline without making it a statement
_LINK_WORDS = "of the and for on in at to a de del la las los el y e para sobre en al th st nd rd"
_LINKS = frozenset(_LINK_WORDS.split())
# common finite verbs and auxiliaries (EN and ES): a line that has one states something
_VERB_WORDS = (
    "is are was were be been will would shall should can could may might must has have had do does did "
    "met meet meets held hold holds signed sign signs agreed agree agrees said say says made make took take "
    "led began begun reached reach announced announce discussed discuss reviewed review noted note welcomed "
    "decided decide established establish launched launch expressed express reaffirmed reaffirm "
    "es son fue fueron sera seran ha han habia hay esta estan estaba era eran sido "
    "acordaron acordo firmaron firmo reunieron reunio celebro celebraron senalo senalaron expreso "
    "expresaron reafirmaron reafirmo anuncio anunciaron decidieron decidio establecieron establecio "
    "destaco destacaron reviso revisaron inicio iniciaron"
)
_VERBS = frozenset(_VERB_WORDS.split())
# a lowercase word with a finite-verb ending (EN past tense, ES preterite and future) also states something
_VERB_ENDING = re.compile(r"^[a-z]{3,}(ed|aron|ieron|aran|eran|iran)$")
_ABBREVIATION = re.compile(r"(\b[A-Z]\.){2,}$|\b[A-Z][a-z]{0,3}\.$")  # "D.C.", "Oax.": not a full stop
# a question about the meeting itself (when or where it was held) may be answered by its dateline
_ABOUT_MEETING = re.compile(
    r"\b(meet\w*|held|commission|communiqu\w*|session|convene\w*|reuni\w*|comision\w*|comunicad\w*|sesion\w*"
    r"|celebr\w*)\b"
)


@functools.lru_cache(maxsize=50_000)
def is_header_line(text: str) -> bool:
    """A heading, dateline, place line or title block rather than a statement: an all-capitals line, a line
    that is only a date (with its place), or a short title-case line with no verb."""
    tokens = _TOKEN.findall(text.strip())
    if not tokens:
        return True
    if len(tokens) > MAX_WORDS:
        return False
    folded = [fold(t).strip(".") for t in tokens]
    # a verb in lowercase (a capitalised "May" is the month, and titles capitalise their words)
    if any(t[0].islower() and (f in _VERBS or _VERB_ENDING.match(f)) for t, f in zip(tokens, folded, strict=True)):
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
        return True  # "JOINT COMMUNIQUE", "NOVEMBER 26, 2002"
    dated = any(f in _MONTH or _YEAR.match(f) for f in folded)
    rest = [t for t, f in zip(tokens, folded, strict=True) if not (f in _MONTH or f in _LINKS or t[0].isdigit())]
    if dated and all(t[0].isupper() for t in rest):
        return True  # "May 5, 1997", "Oaxaca, Oax., September 1999", "Ciudad de México, 5 de mayo de 1997"
    words = [t for t, f in zip(tokens, folded, strict=True) if f not in _LINKS and not t[0].isdigit()]
    capitalised = sum(t[0].isupper() for t in words)
    # a title ("Working Group on Migration and Consular Affairs"): no verb, every word but the links
    # capitalised, and no closing full stop (a short statement ends with one)
    stop = text.rstrip().endswith((".", "!", "?")) and not _ABBREVIATION.search(text.rstrip())
    return bool(words) and capitalised == len(words) and not stop


def is_dated(text: str) -> bool:
    """The line names a month or a year."""
    return any(f in _MONTH or _YEAR.match(f) for f in (fold(t).strip(".") for t in _TOKEN.findall(text)))


def names_place(text: str) -> bool:
    """The line has a capitalised word that is not a month or a linking word (a place: "Oaxaca", "MEXICO")."""
    return any(
        t[0].isupper() and not t[0].isdigit() and (f := fold(t).strip(".")) not in _MONTH and f not in _LINKS
        for t in _TOKEN.findall(text)
    )


def asks_about_meeting(question: str) -> bool:
    """The question asks about the meeting or communiqué itself ("Where and when was the commission held?")."""
    return bool(_ABOUT_MEETING.search(fold(question)))


def demote_headers(logits: np.ndarray, texts: list[str], question: str, kind: str) -> np.ndarray:
    """The logits with header lines pushed below every statement, except a dated line (a dateline) when the
    question asks when or where the meeting itself took place."""
    meeting = kind in ("date", "place") and asks_about_meeting(question)

    def kept(text: str) -> bool:
        # a question about the meeting keeps its dateline ("NOVEMBER 26, 2002 / MEXICO CITY, MEXICO"), not its
        # titles; a where-question only a dateline that names a place ("May 5, 1997" names none)
        return meeting and is_dated(text) and (kind == "date" or names_place(text))

    headers = np.array([is_header_line(t) and not kept(t) for t in texts], dtype=bool)
    return np.where(headers, np.asarray(logits, dtype=np.float64) - HEADER_PENALTY, logits) if headers.any() else logits


def header_only(text: str) -> bool:
    """Every line of the passage is a heading, dateline, place or title line ("May 5, 1997"; "XV COMISION
    BINACIONAL / 11 DE JUNIO DE 1998 / WASHINGTON, D.C.")."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return bool(lines) and all(is_header_line(ln) for ln in lines)


def statement_hits(texts: list[str], question: str, kind: str, k: int) -> list[int]:
    """Which of the ranked passages to read for an answer: the first `k` that state something, passages that
    are only header lines skipped (they hold no answer to a question about something else, and would take a
    statement's place); all of the first `k` when the question asks when or where the meeting itself was, or
    when none states anything (a header line is then quoted, below every statement)."""
    first = list(range(min(k, len(texts))))
    if kind in ("date", "place") and asks_about_meeting(question):
        return first
    return [i for i, t in enumerate(texts) if not header_only(t)][:k] or first


__all__ = [
    "HEADER_PENALTY",
    "asks_about_meeting",
    "demote_headers",
    "header_only",
    "is_dated",
    "is_header_line",
    "statement_hits",
]
