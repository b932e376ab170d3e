"""MLQA dev half A (en/es) as an answers set (`mlqa-answers`): each question asked in its own language only.

Its answer is in its own language's paragraph; the English and Spanish paragraphs are separate Wikipedia
articles, not translations."""

from __future__ import annotations

from pathlib import Path

from eval.datasets.mlqa import FOLDER, doc_id, paragraphs, read_jsonl
from eval.datasets.types import LabeledSet, Query


def load_mlqa_answers(root: Path) -> LabeledSet:
    """Every query of half A in the dev split (it is tuning data), asked in its own language only."""
    folder = root / FOLDER
    documents = paragraphs(read_jsonl(folder / "passages.jsonl"))
    queries, qrels, answers = [], {}, {}
    for q in read_jsonl(folder / "queries.jsonl"):
        lang, qid = str(q["lang"]), f"{q['lang']}-{q['id']}"
        gold = q["gold_passage_ids"]
        queries.append(Query(qid, str(q["question"]), lang, "dev"))
        qrels[qid] = {doc_id(str(gold[lang])): 1}
        answers[qid] = {lang: str(q["answer"])}
    return LabeledSet(
        name="mlqa",
        documents=documents,
        queries=queries,
        level="document",
        doc_qrels=qrels,
        directions=("en-en", "es-es"),
        answers=answers,
        notes=["MLQA dev half A: same-language directions only (the gold answer is given in the question's language)"],
    )
