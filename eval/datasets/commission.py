"""The hand-labeled commission set: questions with quoted spans in both language versions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.datasets.locate import corpus_dir
from eval.datasets.types import DatasetError, LabeledSet, Query, SpanLabel
from eval.overlap import locate
from indexer.ingest.corpus import load_corpus
from indexer.types import Document

QUESTIONS = Path(__file__).resolve().parents[1] / "commission" / "questions.jsonl"


def read_questions(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{n}: not valid JSON: {exc}") from None
    return rows


def check_labels(rows: list[dict[str, Any]], documents: dict[str, Document]) -> list[str]:
    """Every quote must be found, by exact match, in the body of the document it names."""
    problems = []
    for row in rows:
        for label in row.get("labels", []):
            doc = documents.get(label["doc_id"])
            if doc is None:
                problems.append(f"{row['id']}: no document {label['doc_id']!r} in the corpus")
            elif locate(doc.body, label["quote"]) is None:
                problems.append(f"{row['id']}: quote not found in {doc.doc_id}: {label['quote'][:60]!r}")
    return problems


def match_documents(rows: list[dict[str, Any]], documents: dict[str, Document]) -> dict[str, str]:
    """Labeled doc_ids absent from the corpus -> the one corpus document holding all of their quotes.

    A corpus imported without metadata (`bnc add`) names the same communiqués by ids derived
    from their headers; the labels still find their text, so the set scores that index too."""
    quotes: dict[str, list[str]] = {}
    for row in rows:
        for label in row.get("labels", []):
            quotes.setdefault(label["doc_id"], []).append(label["quote"])
    out = {}
    for labeled, qs in quotes.items():
        if labeled in documents:
            continue
        holders = [d.doc_id for d in documents.values() if all(locate(d.body, q) is not None for q in qs)]
        if len(holders) == 1:
            out[labeled] = holders[0]
    return out


def split_of(qid: str) -> str:
    """The fixed dev/test halves: odd question numbers are dev, even ones test (en-001 dev, en-002 test).

    By number, not by order or at random, so the halves never move when questions are appended."""
    digits = "".join(ch for ch in qid if ch.isdigit())
    return "dev" if digits and int(digits) % 2 else "test"


def load_commission(corpus: Path | None = None, questions: Path = QUESTIONS) -> LabeledSet:
    root = corpus_dir(corpus)
    loaded = load_corpus(root)
    if not loaded.documents:
        raise DatasetError(f"no documents under {root}: {'; '.join(loaded.errors) or 'empty folder'}")
    documents = {d.doc_id: d for d in loaded.documents}
    rows = read_questions(questions)
    matched = match_documents(rows, documents)
    for row in rows:
        row["labels"] = [{**lab, "doc_id": matched.get(lab["doc_id"], lab["doc_id"])} for lab in row.get("labels", [])]
    problems = check_labels(rows, documents)
    if problems:
        raise DatasetError("commission labels do not match the corpus:\n  " + "\n  ".join(problems))
    queries = [Query(str(r["id"]), str(r["question"]), str(r["lang"]), split_of(str(r["id"]))) for r in rows]
    spans = {
        str(r["id"]): [SpanLabel(str(lab["doc_id"]), str(lab["quote"])) for lab in r.get("labels", [])]
        for r in rows
        if r.get("answerable", True) and r.get("labels")
    }
    notes = [f"{len(rows) - len(spans)} unanswerable questions are not scored for retrieval"]
    notes += [f"labels of {a} matched by their quotes to {b}" for a, b in sorted(matched.items())]
    notes += [f"corpus: {err}" for err in loaded.errors]
    return LabeledSet(
        name="commission",
        documents=loaded.documents,
        queries=queries,
        level="passage",
        span_labels=spans,
        notes=notes,
        answers={str(r["id"]): dict(r.get("answers") or {}) for r in rows if r.get("answerable", True)},
        unanswerable=frozenset(str(r["id"]) for r in rows if not r.get("answerable", True)),
    )
