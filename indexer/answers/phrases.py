"""The answer phrase as a learned choice among candidate spans of the quoted sentence: the typed phrases
(dates, numbers, names), numbers with their unit or counted noun, ranges, shorter names, and noun-like
chunks between function words, each scored by logistic regression over span features (the feature-based
extractive baseline of SQuAD). The phrase is always an exact span of the sentence."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from indexer.answers.answer_type import (
    FACTOID,
    Phrase,
    answer_phrase,
    counted_noun,
    counts_noun,
    fold,
    question_words,
    typed_phrases,
)

SPAN_TYPES = ("date", "number", "name", "chunk")
KINDS = (*FACTOID, "other")
# the word before the span, in groups that tell what follows (group: words)
_PREVIOUS = (
    "in: in on at during; en: en durante; by: by por; from: from since desde; de: de del of; to: to a al; "
    "is: is was were are es fue son fueron era; the: the el la los las; about: about over nearly unos casi "
    "aproximadamente; called: called named llamado llamada denominado as como"
)
PREVIOUS = {w: g.strip() for part in _PREVIOUS.split(";") for g, ws in [part.split(":")] for w in ws.split()}
PREV_GROUPS = ("in", "en", "by", "from", "de", "to", "is", "the", "about", "called", "start", "comma")
PHRASE_FEATURES = (
    *(f"{k}_x_{t}" for k in KINDS for t in SPAN_TYPES),
    "rule_pick",  # the rule-based picker (answer_type.answer_phrase) chose exactly this span
    "rule_overlap",  # share of the span inside the rule's pick
    "novel",  # share of the span's words that are not the question's
    "no_novel",
    "qwords_in_span",
    "distance",  # log(1 + tokens to the nearest question word in the sentence)
    "no_anchor",
    "left_context",  # question words among the 3 tokens before the span
    "right_context",  # ... and the 3 after it
    *(f"prev_{g}" for g in PREV_GROUPS),
    "next_comma",
    "len1",
    "len2",
    "len3",
    "len4plus",
    "chars",
    "capitalized",  # share of the span's words that start with a capital
    "function_share",  # share of function words
    "digits",
    "position",  # start / sentence length
    "year",  # a four-digit year alone
    "asks_year_x_year",
    "counted",  # a number followed by the noun the question counts ("how many households")
    "word_length",  # mean characters per word (long words are rare ones)
    "typed_inside",  # the span contains a phrase of the asked type
    "same_type_count",  # log(1 + candidates of the span's type in the sentence): how ambiguous the choice is
    "nearest_of_type",  # the span is the nearest to a question word among the spans of its type
    "distance_gap",  # its distance minus the smallest distance among the spans of its type
    "sentence_start",  # the span opens the sentence (a capital there is no evidence of a name)
    *(f"{k}_x_prev_{g}" for k in KINDS for g in PREV_GROUPS),
    "focus_near",  # the noun the question asks about ("what team", "qué jugador") is within 3 tokens of the span
    "focus_inside",
)

_TOKEN = re.compile(r"\w+(?:[.,'’\-]\w+)*%?")
_EN_FUNCTION = (
    "the a an of in on at by for from to and or but is was were are be been that which who whom whose this these "
    "those it its their his her as with into than then also not no has have had do did does will would can could "
    "there when where while after before during since about over under between what how why if so such"
)
_ES_FUNCTION = (
    "el la los las un una unos unas de del en y o pero es fue son fueron ser sido que cual cuales quien quienes "
    "este esta estos estas ese esa su sus se lo le les al con por para sin sobre entre como cuando donde mas "
    "muy ya tambien no ha han habia hasta desde durante tras"
)
_FUNCTION = frozenset(f"{_EN_FUNCTION} {_ES_FUNCTION}".split())
_LINKS = frozenset(("of", "de", "del", "and", "y", "the", "la", "el", "los", "las"))
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})$")
_ASKS_YEAR = re.compile(r"\b(what|which|in what|in which|que|cual|en que|en cual) (year|ano)\b")
_FOCUS = re.compile(r"\b(?:what|which|que|cual|cuales|cuantos|cuantas|how many|how much)\s+(\w{3,})")
_RANGE = frozenset(("to", "-", "–", "and", "a", "y", "hasta", "or", "o"))
MAX_CHUNK = 6


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: str  # one of SPAN_TYPES


@functools.lru_cache(maxsize=20_000)
def _tokens(sentence: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), fold(m.group(0))) for m in _TOKEN.finditer(sentence))


def _span(sentence: str, start: int, end: int, kind: str) -> Span:
    return Span(start, end, sentence[start:end], kind)


@functools.lru_cache(maxsize=20_000)
def candidates(sentence: str) -> tuple[Span, ...]:
    """Every candidate span of the sentence, once each (a span found by several rules keeps the first)."""
    toks = _tokens(sentence)
    out: dict[tuple[int, int], Span] = {}

    def add(start: int, end: int, kind: str) -> None:
        if end > start and (start, end) not in out:
            out[(start, end)] = _span(sentence, start, end, kind)

    for kind, typed in (("date", "date"), ("number", "number"), ("name", "person")):
        for p in typed_phrases(sentence, typed):
            add(p.start, p.end, kind)
            if kind == "name":  # shorter names ("Pro Bowl Kurt Coleman"), and without a possessive
                words = [(m.start(), m.end()) for m in re.finditer(r"\S+", p.text)]
                variants = [(p.start, p.end)]
                for i in range(1, min(len(words), 3)):
                    variants += [(p.start + words[i][0], p.end), (p.start, p.start + words[-1 - i][1])]
                for a, b in variants:
                    add(a, b, "name")
                    if sentence[b - 2 : b] in ("'s", "’s"):
                        add(a, b - 2, "name")
                continue
            after = [t for t in toks if t[0] >= p.end][:3]
            if kind == "number":  # with the unit or counted noun after it ("1.5 gigatons", "17 seconds")
                for t in after[:2]:
                    if t[2] in _FUNCTION or t[2] in _RANGE:
                        break
                    add(p.start, t[1], "number")
            # ranges: "1870 to 1939", "27-30%", "de cinco a diez"
            if after and (after[0][2] in _RANGE or sentence[p.end : after[0][0]].strip() in ("-", "–")):
                nxt = after[1] if after[0][2] in _RANGE and len(after) > 1 else after[0]
                if nxt[2] not in _RANGE and (any(ch.isdigit() for ch in nxt[2]) or kind == "number"):
                    add(p.start, nxt[1], kind)
    # noun-like chunks: runs of content words, linked by "of"/"de" ("two-thirds of its population")
    i = 0
    while i < len(toks):
        if toks[i][2] in _FUNCTION:
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and j - i < MAX_CHUNK - 1:
            gap = sentence[toks[j][1] : toks[j + 1][0]]
            if gap.strip():
                break
            if toks[j + 1][2] in _FUNCTION and not (
                toks[j + 1][2] in _LINKS and j + 2 < len(toks) and toks[j + 2][2] not in _FUNCTION
            ):
                break
            j += 1
        add(toks[i][0], toks[j][1], "chunk")
        for k in range(i + 1, j + 1):  # its head: the last words
            if toks[k][2] not in _FUNCTION:
                add(toks[k][0], toks[j][1], "chunk")
        if j > i:
            add(toks[i][0], toks[i][1], "chunk")
        i = j + 1
    return tuple(sorted(out.values(), key=lambda s: (s.start, s.end)))


def features(sentence: str, question: str, kind: str, spans: Sequence[Span]) -> np.ndarray:
    """One row per span, in PHRASE_FEATURES order."""
    toks = _tokens(sentence)
    qwords = question_words(question)
    anchors = [n for n, t in enumerate(toks) if t[2] in qwords]
    folded_q = fold(question)
    asks_year = bool(_ASKS_YEAR.search(folded_q))
    head = counted_noun(question) if kind == "number" else None
    focus = {m.group(1)[:5] for m in _FOCUS.finditer(folded_q)} - {"year", "ano", "date", "fecha"}
    focal = [n for n, t in enumerate(toks) if t[2][:5] in focus]
    rule = answer_phrase(sentence, question, kind) if kind in FACTOID else None
    k = kind if kind in KINDS else "other"
    counts = {t: sum(s.kind == t for s in spans) for t in SPAN_TYPES}
    typed = [(p.start, p.end) for p in typed_phrases(sentence, kind if kind != "instrument" else "person")]
    index = {name: i for i, name in enumerate(PHRASE_FEATURES)}
    rows = np.zeros((len(spans), len(PHRASE_FEATURES)))
    distances: list[int] = []
    for r, s in enumerate(spans):
        inside = [n for n, t in enumerate(toks) if t[0] >= s.start and t[1] <= s.end]
        words = [toks[n][2] for n in inside] or [fold(s.text)]
        first, last = (inside[0], inside[-1]) if inside else (0, 0)
        new = [w for w in words if w not in qwords and w not in _FUNCTION]
        content = [w for w in words if w not in _FUNCTION] or words
        f = rows[r]
        f[index[f"{k}_x_{s.kind}"]] = 1.0
        if rule is not None:
            f[index["rule_pick"]] = float(rule.start == s.start and rule.end == s.end)
            shared = max(0, min(rule.end, s.end) - max(rule.start, s.start))
            f[index["rule_overlap"]] = shared / max(s.end - s.start, 1)
        f[index["novel"]] = len(new) / len(content)
        f[index["no_novel"]] = float(not new)
        f[index["qwords_in_span"]] = float(sum(w in qwords for w in words))
        outside = [a for a in anchors if a < first or a > last]
        gap = min((first - a if a < first else a - last for a in outside), default=None)
        f[index["distance"]] = math.log1p(gap) if gap is not None else math.log1p(len(toks))
        f[index["no_anchor"]] = float(gap is None)
        f[index["left_context"]] = float(sum(first - 3 <= a < first for a in anchors))
        f[index["right_context"]] = float(sum(last < a <= last + 3 for a in anchors))
        before = sentence[: s.start].rstrip()
        prev = "start" if not before else "comma" if before.endswith(",") else None
        if prev is None and first > 0:
            prev = PREVIOUS.get(toks[first - 1][2])
        if prev is not None:
            f[index[f"prev_{prev}"]] = 1.0
            f[index[f"{k}_x_prev_{prev}"]] = 1.0
        f[index["sentence_start"]] = float(not before)
        f[index["focus_near"]] = float(any(first - 3 <= a < first or last < a <= last + 3 for a in focal))
        f[index["focus_inside"]] = float(any(first <= a <= last for a in focal))
        distances.append(gap if gap is not None else len(toks))
        f[index["next_comma"]] = float(sentence[s.end : s.end + 1] in (",", ";", ":", ")"))
        n = len(words)
        f[index["len1" if n == 1 else "len2" if n == 2 else "len3" if n == 3 else "len4plus"]] = 1.0
        f[index["chars"]] = math.log1p(s.end - s.start)
        raw = s.text.split()
        f[index["capitalized"]] = sum(w[:1].isupper() for w in raw) / max(len(raw), 1)
        f[index["function_share"]] = sum(w in _FUNCTION for w in words) / n
        f[index["digits"]] = float(any(ch.isdigit() for ch in s.text))
        f[index["position"]] = s.start / max(len(sentence), 1)
        year = bool(_YEAR.match(s.text))
        f[index["year"]] = float(year)
        f[index["asks_year_x_year"]] = float(year and asks_year)
        f[index["counted"]] = float(bool(head) and counts_noun(sentence, Phrase(s.start, s.end, s.text), head or ""))
        f[index["word_length"]] = sum(len(w) for w in content) / len(content)
        f[index["typed_inside"]] = float(any(s.start <= a and b <= s.end for a, b in typed))
        f[index["same_type_count"]] = math.log1p(counts[s.kind])
    # relative to the other spans of the same type: a linear model cannot compare candidates by itself
    dist = np.asarray(distances, dtype=float)
    for t in SPAN_TYPES:
        same = np.array([sp.kind == t for sp in spans])
        if same.any():
            low = dist[same].min()
            rows[same, index["nearest_of_type"]] = dist[same] == low
            rows[same, index["distance_gap"]] = np.log1p(dist[same] - low)
    return rows


PhraseScorer = Callable[[np.ndarray], np.ndarray]  # span feature rows -> logits (scoring.Linear.logit)


def best_phrase(sentence: str, question: str, kind: str, logit: PhraseScorer) -> Phrase | None:
    """The highest-scoring candidate span; None when the sentence has no candidate."""
    spans = candidates(sentence)
    if not spans:
        return None
    scores = logit(features(sentence, question, kind, spans))
    s = spans[int(np.argmax(scores))]
    return Phrase(s.start, s.end, s.text)
