"""MLQA dev half A (en/es) as an answers set (`mlqa-answers`): each question asked in its own language only.

Its answer is in its own language's paragraph; the English and Spanish paragraphs are separate Wikipedia
articles, not translations."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from eval.datasets.mlqa import FOLDER
from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.types import Document


def _doc_id(passage_id: str) -> str:
    return "mlqa-" + re.sub(r"[^a-z0-9]+", "-", passage_id.lower())


def _read(path: Path) -> list[dict[str, object]]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None


def load_mlqa_answers(root: Path) -> LabeledSet:
    """Every query of half A in the dev split (it is tuning data), asked in its own language only."""
    folder = root / FOLDER
    documents = [
        Document(
            doc_id=_doc_id(str(p["id"])),
            lang=str(p["lang"]),
            title=str(p["title"]),
            body=str(p["text"]),
            source="MLQA (CC BY-SA 3.0)",
            meta={"article": f"{p['lang']}:{p['title']}"},
            sha256=hashlib.sha256(str(p["text"]).encode()).hexdigest(),
        )
        for p in _read(folder / "passages.jsonl")
    ]
    queries, qrels, answers = [], {}, {}
    for q in _read(folder / "queries.jsonl"):
        lang, qid = str(q["lang"]), f"{q['lang']}-{q['id']}"
        gold = q["gold_passage_ids"]
        assert isinstance(gold, dict)
        queries.append(Query(qid, str(q["question"]), lang, "dev"))
        qrels[qid] = {_doc_id(str(gold[lang])): 1}
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
