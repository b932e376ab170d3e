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

from eval.answer_metrics import contains_answer, ece, ece_interval, exact_match, token_f1
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
    "answered",
    "precision",
    "answer_level",
    "answer_precision",
    "derived_unanswerable",
    "derived_false_answers",
    "derived_answer_level",
    "unanswerable",
    "false_answers",
    "near_miss_answer_level",
    "phrase_f1",
    "ece",
    "ece_95",
    "answerable_ece",
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
    level: str = ""  # the card's level (indexer.answers.answer.LEVELS)
    answerable: float | None = None  # the calibrated P(the archive answers), when the model has it


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
        "substring": bool(gold) and quote is not None and gold in quote.text,  # plain substring, reported beside it
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
        answer.level,
        answer.answerable,
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
    """The model with the calibration fitted for this set, where the model has several (older models: the
    commission's own for the commission set); a model with the one pooled calibration is used as it is."""
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


def _groups(records: Sequence[Record]) -> list[str]:
    """One id per question (all its directions and its derived row): the bootstrap resamples these."""
    return [f"{r.extra.get('set', '')}:{r.qid.split('-', 1)[-1]}" for r in records]


def summarize(records: Sequence[Record]) -> dict[str, Any]:
    """Per set and direction: the card's answer rate among answerable questions (levels likely and answer)
    and its precision, the same for the `answer` level alone, false answers on plain (derived) and near-miss
    (the set's own) unanswerables, phrase scores, ECE with a 95% bootstrap interval over questions."""
    ans = [r for r in records if r.kind == "answerable"]
    own = [r for r in records if r.kind == "unanswerable"]
    derived = [r for r in records if r.kind == "derived"]
    answered = sum(r.answered for r in ans)
    correct = sum(r.answered and r.contains for r in ans)
    top = [r for r in ans if r.level == "answer"]
    factoid = [r for r in ans if r.answer_kind in FACTOID and r.gold]
    calib = ece_interval([r.confidence for r in records], [float(r.contains) for r in records], _groups(records))
    rated = [(r.answerable, float(r.kind == "answerable")) for r in records if r.answerable is not None]
    archive = ece([p for p, _ in rated], [y for _, y in rated]) if rated else None
    return {
        "n": len(ans),
        "top1_contains_gold": _share(sum(r.contains for r in ans), len(ans)),
        "contains_substring": _share(sum(bool(r.extra.get("substring", r.contains)) for r in ans), len(ans)),
        "answered": _share(answered, len(ans)),
        "answered_and_correct": _share(correct, len(ans)),
        "precision": _share(correct, answered),
        "answer_level": _share(len(top), len(ans)),
        "answer_precision": _share(sum(r.contains for r in top), len(top)),
        "unanswerable": len(own),
        "false_answers": _share(sum(r.answered for r in own), len(own)),
        "near_miss_answer_level": _share(sum(r.level == "answer" for r in own), len(own)),
        "derived_unanswerable": len(derived),
        "derived_false_answers": _share(sum(r.answered for r in derived), len(derived)),
        "derived_answer_level": _share(sum(r.level == "answer" for r in derived), len(derived)),
        "factoid": len(factoid),
        "phrase_em": _share(sum(exact_match(r.phrase, r.gold, r.lang) for r in factoid), len(factoid)),
        "phrase_f1": _share(sum(token_f1(r.phrase, r.gold, r.lang) for r in factoid), len(factoid)),
        "ece": calib["ece"] if records else None,
        "ece_95": f"{calib['lo']:.3f}-{calib['hi']:.3f}" if records else None,
        "answerable_ece": round(archive, 4) if archive is not None else None,
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
        "language (token-boundary containment, eval.answer_metrics.contains_answer); answered: share of answerable "
        "questions that get the card (level likely or answer: calibrated probability >= 0.5); precision: correct "
        "among them; answer_level / answer_precision: the same for the `answer` level alone (the operating point "
        "chosen on dev); derived_: plain unanswerables (XQuAD and MLQA questions asked with their whole article "
        f"filtered out, every {DERIVED_EVERY}rd question): share given the card / the answer level; unanswerable / "
        "false_answers / near_miss_answer_level: the set's own unanswerable questions (the commission's are near "
        "misses: the right topic, a fact the communiqué does not state); phrase_f1: token F1 of the marked answer "
        "phrase on factoid questions; ece: expected calibration error (10 bins) of the confidence as P(quote "
        "contains the answer) over every question asked, ece_95 its 95% bootstrap interval (questions resampled); "
        "answerable_ece: the same for P(the archive answers); quote_chars: mean quote length.",
    ]
    return "\n".join(lines) + "\n"
