"""Answer accuracy: does the quoted sentence contain the gold answer, and are unanswerable questions declined."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from eval.datasets.types import LabeledSet, direction
from eval.engine import EvalIndex
from eval.runner import queries_for
from indexer.answers.answer import Answerer
from indexer.retrieval.search import SearchFilters

ANSWER_COLUMNS = (
    "n",
    "top1_contains_gold",
    "answered",
    "answered_and_correct",
    "precision",
    "unanswerable",
    "false_answers",
)


def evaluate_answers(
    labeled: LabeledSet, ix: EvalIndex, directions: Sequence[str], progress: bool = False
) -> dict[str, dict[str, Any]]:
    """Per direction: how often the returned quote contains the gold answer (in the quote's language),
    how often an answer is given, and how often an unanswerable question gets one anyway."""
    answerer = Answerer(ix.searcher())
    out: dict[str, dict[str, Any]] = {}
    for name in directions:
        doc_lang = direction(name).doc_lang
        queries = [q for q in queries_for(labeled, name) if q.qid in labeled.answers or q.qid in labeled.unanswerable]
        n = top1 = answered = correct = n_un = false = 0
        for q in tqdm(queries, desc=f"answers {name}", unit="question", disable=not progress):
            answer = answerer.ask(q.text, lang=q.lang, filters=SearchFilters(doc_lang=doc_lang))
            if q.qid in labeled.unanswerable:
                n_un += 1
                false += answer.answered
                continue
            n += 1
            gold = labeled.answers[q.qid].get(answer.quote.passage.lang, "") if answer.quote else ""
            hit = bool(gold) and answer.quote is not None and gold in answer.quote.text
            top1 += hit
            answered += answer.answered
            correct += hit and answer.answered
        out[name] = {
            "n": n,
            "top1_contains_gold": round(top1 / n, 4) if n else None,
            "answered": round(answered / n, 4) if n else None,
            "answered_and_correct": round(correct / n, 4) if n else None,
            "precision": round(correct / answered, 4) if answered else None,
            "unanswerable": n_un,
            "false_answers": round(false / n_un, 4) if n_un else None,
        }
    return out


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
        "top1_contains_gold: the returned quote (answered or not) contains the gold answer text in the quote's "
        "language; answered: confidence at or above the threshold; precision: correct among answered; "
        "false_answers: share of unanswerable questions that got an answer.",
    ]
    return "\n".join(lines) + "\n"
