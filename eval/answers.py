"""Answer accuracy: does the quoted sentence contain the gold answer, is the answer phrase right, are
unanswerable questions declined, and does the confidence mean what it says (calibration)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from eval.answer_metrics import contains_answer, ece, exact_match, token_f1
from eval.datasets.types import LabeledSet, Query, direction
from eval.engine import EvalIndex
from eval.runner import queries_for
from indexer.answers.answer import Answerer
from indexer.answers.answer_type import FACTOID, is_question
from indexer.answers.scoring import AnswerModel, default_model
from indexer.retrieval.search import SearchFilters

ANSWER_COLUMNS = (
    "n",
    "top1_contains_gold",
    "contains_substring",
    "answered",
    "answered_and_correct",
    "precision",
    "unanswerable",
    "false_answers",
    "derived_unanswerable",
    "derived_false_answers",
    "factoid",
    "phrase_em",
    "phrase_f1",
    "ece",
    "quote_chars",
)
DERIVED_EVERY = 3  # every third XQuAD question is also asked with its article filtered out


@dataclass
class Record:
    """One question asked in one direction: what came back, and every candidate sentence's features."""

    direction: str
    qid: str
    question: str
    kind: str  # "answerable", "unanswerable" (labeled so) or "derived" (its article filtered out)
    answer_kind: str
    is_question: bool
    features: np.ndarray  # candidates x SENTENCE_FEATURES
    labels: np.ndarray  # candidate's quote contains the gold answer
    contains: bool
    answered: bool
    confidence: float
    phrase: str = ""
    quote: str = ""
    gold: str = ""
    lang: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _article_docs(labeled: LabeledSet, qid: str) -> set[str]:
    """The documents of a question's whole article (the documents' `article` metadata: XQuAD's article number,
    both languages; MLQA's language and title)."""
    article = {d.doc_id: d.meta.get("article", d.doc_id) for d in labeled.documents}
    wanted = {article[d] for d in labeled.doc_qrels.get(qid, {}) if d in article}
    return {d for d, a in article.items() if a in wanted}


def _ask(answerer: Answerer, labeled: LabeledSet, q: Query, name: str, kind: str, filters: SearchFilters) -> Record:
    answer = answerer.ask(q.text, lang=q.lang, filters=filters)
    gold_by_lang = labeled.answers.get(q.qid, {}) if kind == "answerable" else {}
    feats = np.stack([c.features for c in answer.candidates]) if answer.candidates else np.zeros((0, 1))
    labels = np.array(
        [
            contains_answer(c.served.text, gold_by_lang.get(c.served.passage.lang, ""), c.served.passage.lang)
            for c in answer.candidates
        ],
        dtype=bool,
    )
    quote = answer.quote
    gold = gold_by_lang.get(quote.passage.lang, "") if quote else ""
    phrase = ""
    if quote is not None:
        phrase = quote.text
        if answer.phrase is not None:
            lo, hi = answer.phrase
            phrase = quote.text[lo - quote.char_start : hi - quote.char_start]
    extra = {
        "texts": [c.reader.text for c in answer.candidates],
        "langs": [c.reader.passage.lang for c in answer.candidates],
        "passages": [c.reader.passage.passage_id for c in answer.candidates],
        "indices": [c.index for c in answer.candidates],
        "served": [c.served.text for c in answer.candidates],
        "served_langs": [c.served.passage.lang for c in answer.candidates],
        "translation": answer.search.translation.text if answer.search.translation else "",
        "substring": bool(gold) and quote is not None and gold in quote.text,  # the metric before session 5
    }
    return Record(
        name,
        q.qid,
        q.text,
        kind,
        answer.kind,
        is_question(q.text),
        feats,
        labels,
        quote is not None and contains_answer(quote.text, gold, quote.passage.lang),
        answer.answered,
        answer.confidence,
        phrase,
        quote.text if quote else "",
        gold,
        quote.passage.lang if quote else q.lang,
        extra,
    )


def save_records(records: Sequence[Record], path: Path) -> None:
    """The collected records as one compressed JSON file (features as lists), to refit without asking again."""
    rows = [
        {
            **{k: v for k, v in vars(r).items() if k not in ("features", "labels")},
            "features": r.features.tolist(),
            "labels": r.labels.tolist(),
        }
        for r in records
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(rows, f)


def load_records(path: Path) -> list[Record]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = json.load(f)
    out = []
    for row in rows:
        feats, labels = np.asarray(row.pop("features"), dtype=np.float64), np.asarray(row.pop("labels"), dtype=bool)
        out.append(Record(**row, features=feats if feats.size else np.zeros((0, 1)), labels=labels))
    return out


def calibrated_for(model: AnswerModel | None, set_name: str) -> AnswerModel:
    """The model with the calibration fitted for this set: the commission's own for the commission set,
    the pooled one (XQuAD dev and commission dev) for anything else."""
    model = model or default_model()
    name = "commission" if set_name.startswith("commission") else "pooled"
    return model.for_source(name) if name == model.calibration or name in model.calibrations else model


def collect(
    labeled: LabeledSet,
    ix: EvalIndex,
    directions: Sequence[str],
    model: AnswerModel | None = None,
    progress: bool = False,
    derived_every: int = DERIVED_EVERY,
) -> list[Record]:
    """Ask every question in every direction; XQuAD questions also with their article filtered out."""
    answerer = Answerer(ix.searcher(), calibrated_for(model, labeled.name))
    all_docs = [d.doc_id for d in labeled.documents]
    derive = labeled.level == "document" and derived_every > 0
    out: list[Record] = []
    for name in directions:
        doc_lang = direction(name).doc_lang
        base = SearchFilters(doc_lang=doc_lang)
        queries = [q for q in queries_for(labeled, name) if q.qid in labeled.answers or q.qid in labeled.unanswerable]
        for n, q in enumerate(tqdm(queries, desc=f"answers {name}", unit="question", disable=not progress)):
            kind = "unanswerable" if q.qid in labeled.unanswerable else "answerable"
            out.append(_ask(answerer, labeled, q, name, kind, base))
            if derive and kind == "answerable" and n % derived_every == 0:
                hidden = _article_docs(labeled, q.qid)
                allowed = tuple(d for d in all_docs if d not in hidden)
                out.append(
                    _ask(answerer, labeled, q, name, "derived", SearchFilters(doc_lang=doc_lang, doc_ids=allowed))
                )
    return out


def _share(num: float, den: int) -> float | None:
    return round(num / den, 4) if den else None


def summarize(records: Sequence[Record]) -> dict[str, Any]:
    ans = [r for r in records if r.kind == "answerable"]
    own = [r for r in records if r.kind == "unanswerable"]
    derived = [r for r in records if r.kind == "derived"]
    answered = sum(r.answered for r in ans)
    correct = sum(r.answered and r.contains for r in ans)
    factoid = [r for r in ans if r.answer_kind in FACTOID and r.gold]
    return {
        "n": len(ans),
        "top1_contains_gold": _share(sum(r.contains for r in ans), len(ans)),
        "contains_substring": _share(sum(bool(r.extra.get("substring", r.contains)) for r in ans), len(ans)),
        "answered": _share(answered, len(ans)),
        "answered_and_correct": _share(correct, len(ans)),
        "precision": _share(correct, answered),
        "unanswerable": len(own),
        "false_answers": _share(sum(r.answered for r in own), len(own)),
        "derived_unanswerable": len(derived),
        "derived_false_answers": _share(sum(r.answered for r in derived), len(derived)),
        "factoid": len(factoid),
        "phrase_em": _share(sum(exact_match(r.phrase, r.gold, r.lang) for r in factoid), len(factoid)),
        "phrase_f1": _share(sum(token_f1(r.phrase, r.gold, r.lang) for r in factoid), len(factoid)),
        "ece": round(ece([r.confidence for r in records], [float(r.contains) for r in records]), 4)
        if records
        else None,
        "quote_chars": round(float(np.mean([len(r.quote) for r in ans])), 1) if ans else None,
    }


def evaluate_answers(
    labeled: LabeledSet,
    ix: EvalIndex,
    directions: Sequence[str],
    progress: bool = False,
    model: AnswerModel | None = None,
) -> tuple[dict[str, dict[str, Any]], list[Record]]:
    """Per direction (and all directions together): the summary above, and the records behind it."""
    records = collect(labeled, ix, directions, model, progress)
    rows = {name: summarize([r for r in records if r.direction == name]) for name in directions}
    if len(directions) > 1:
        rows["all"] = summarize(records)
    return rows, records


def render_answers(name: str, rows: dict[str, dict[str, Any]]) -> str:
    lines = [f"# Answer accuracy: {name}", "", "| direction | " + " | ".join(ANSWER_COLUMNS) + " |"]
    lines.append("|---|" + "---:|" * len(ANSWER_COLUMNS))
    for direction_name, row in rows.items():
        cells = [
            "-" if row[c] is None else (f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]))
            for c in ANSWER_COLUMNS
        ]
        lines.append(f"| {direction_name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "top1_contains_gold: the returned quote (answered or not) contains the gold answer in the quote's "
        "language, token-boundary containment (eval.answer_metrics.contains_answer: SQuAD normalisation, the "
        "gold's tokens a contiguous run of the quote's); contains_substring: the same as plain substring "
        "containment, the metric before session 5 ('dos' in 'Estados'); answered: calibrated confidence at or "
        "above the model's threshold; precision: correct among "
        "answered; false_answers: share of unanswerable questions that got an answer (derived_: XQuAD questions "
        f"asked with their whole article filtered out, every {DERIVED_EVERY}rd question); phrase_em / phrase_f1: "
        "SQuAD-style exact match and token F1 of the marked answer phrase (the whole quote when none is marked) "
        "against the gold answer, on factoid questions (date, number, person, place, instrument); ece: expected "
        "calibration error (10 bins) of the confidence as P(quote contains the answer), over every question asked; "
        "quote_chars: mean length of the quote (one sentence, or two adjacent ones when the scorer cannot tell "
        "them apart).",
    ]
    return "\n".join(lines) + "\n"
