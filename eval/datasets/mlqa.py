"""MLQA dev half A (en/es) as a retrieval set: non-parallel Wikipedia paragraphs, one document each."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.types import Document

FOLDER = "mlqa-dev-a"
SOURCE = "MLQA v1 dev (CC BY-SA 3.0)"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None


def doc_id(passage_id: str) -> str:
    """'en/p00012' -> 'mlqa-en-p00012' (a slug the corpus accepts)."""
    return "mlqa-" + passage_id.replace("/", "-")


def paragraphs(rows: list[dict[str, Any]]) -> list[Document]:
    """One document per paragraph; `article` (language and title) groups a Wikipedia article's paragraphs."""
    return [
        Document(
            doc_id=doc_id(r["id"]),
            lang=r["lang"],
            title=r["title"],
            body=r["text"],
            source=SOURCE,
            meta={"article": f"{r['lang']}:{r['title']}"},
            sha256=hashlib.sha256(r["text"].encode()).hexdigest(),
        )
        for r in rows
    ]


def split_of(group: str) -> str:
    """dev or test for a group of passages that share questions: a stable hash, about half each."""
    return "dev" if hashlib.sha256(group.encode()).digest()[0] % 2 == 0 else "test"


def passage_groups(queries: list[dict[str, Any]], passage_ids: list[str]) -> dict[str, str]:
    """passage id -> its group: passages linked by a question's gold pair (the same subject) share one."""
    parent = {p: p for p in passage_ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in queries:
        golds = [g for g in q["gold_passage_ids"].values() if g in parent]
        for other in golds[1:]:
            a, b = root(golds[0]), root(other)
            parent[max(a, b)] = min(a, b)
    return {p: root(p) for p in passage_ids}


def load_mlqa(root: Path) -> LabeledSet:
    """Each question scored against its gold paragraph in each language it has one in.

    The two languages' paragraphs are not translations, so no document names another as its
    translation; the build's automatic pairing decides as it would for any import. Splits: the
    groups of paragraphs that share questions are hashed into dev and test (about half each),
    so a ranker trained on dev never sees a test paragraph."""
    folder = root / FOLDER
    rows = read_jsonl(folder / "passages.jsonl")
    raw_queries = read_jsonl(folder / "queries.jsonl")
    if not rows or not raw_queries:
        raise DatasetError(f"{folder} has no passages or no queries")
    documents = paragraphs(rows)
    groups = passage_groups(raw_queries, [r["id"] for r in rows])
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    answers: dict[str, dict[str, str]] = {}
    for q in raw_queries:
        golds = {lang: pid for lang, pid in q["gold_passage_ids"].items() if pid in groups}
        if not golds:
            continue
        own = golds.get(q["lang"]) or next(iter(golds.values()))
        queries.append(Query(q["qid"], q["question"], q["lang"], split_of(groups[own])))
        qrels[q["qid"]] = {doc_id(pid): 1 for pid in golds.values()}
        answers[q["qid"]] = {q["lang"]: q["answer"]}
    return LabeledSet(
        name="mlqa",
        documents=documents,
        queries=queries,
        level="document",
        doc_qrels=qrels,
        answers=answers,
        notes=["non-parallel: the English and Spanish paragraphs of a subject share only the answer sentence"],
    )
