"""Any labeled set in BEIR layout: corpus.jsonl, queries.jsonl, qrels/<split>.tsv."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.ingest.readers import DocumentError, document_from_text
from indexer.ingest.slugs import slugify
from indexer.retrieval.querylang import detect_query_lang
from indexer.types import LANGS, Document


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise DatasetError(f"missing {path}")
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{n}: not valid JSON: {exc}") from None


def read_qrels(path: Path) -> list[tuple[str, str, int]]:
    """TSV rows (query-id, corpus-id, score); a header row is skipped, grades <= 0 dropped."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        cols = line.rstrip("\n").split("\t")
        if not line.strip():
            continue
        if len(cols) == 4:  # TREC qrels: qid iter docid grade
            cols = [cols[0], cols[2], cols[3]]
        if len(cols) != 3:
            raise DatasetError(f"{path}:{n}: expected query-id, corpus-id, score separated by tabs")
        try:
            grade = int(float(cols[2]))
        except ValueError:
            if n == 1:
                continue  # header
            raise DatasetError(f"{path}:{n}: score {cols[2]!r} is not a number") from None
        if grade > 0:
            rows.append((cols[0], cols[1], grade))
    return rows


def _documents(root: Path) -> tuple[list[Document], dict[str, str]]:
    """Documents through the production reader (NFC, language detection); maps _id -> doc_id."""
    docs: list[Document] = []
    ids: dict[str, str] = {}
    for row in read_jsonl(root / "corpus.jsonl"):
        raw_id = str(row.get("_id", ""))
        if not raw_id:
            raise DatasetError(f"{root / 'corpus.jsonl'}: a document has no _id")
        meta = {k: row.get(k) for k in ("title", "lang", "date", "translation_of")}
        meta["doc_id"] = raw_id
        text = str(row.get("text") or "")
        try:
            doc = document_from_text(text, meta, fallback_id=raw_id, sha256=hashlib.sha256(text.encode()).hexdigest())
        except DocumentError as exc:
            raise DatasetError(f"corpus document {raw_id!r}: {exc}") from None
        if doc.doc_id in ids.values():
            raise DatasetError(f"corpus ids {raw_id!r} and another one both become doc_id {doc.doc_id!r}")
        ids[raw_id] = doc.doc_id
        docs.append(doc)
    return docs, ids


def load_beir(root: Path) -> LabeledSet:
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder (expected corpus.jsonl, queries.jsonl, qrels/*.tsv)")
    documents, ids = _documents(root)
    known = {d.doc_id for d in documents}
    for d in documents:
        if d.translation_of and d.translation_of not in known:
            raise DatasetError(f"document {d.doc_id!r}: translation_of {d.translation_of!r} is not in the corpus")
    texts: dict[str, tuple[str, str | None]] = {}
    for row in read_jsonl(root / "queries.jsonl"):
        texts[str(row["_id"])] = (str(row["text"]), row.get("lang"))
    qrel_files = sorted((root / "qrels").glob("*.tsv"))
    if not qrel_files:
        raise DatasetError(f"no qrels/*.tsv under {root}")
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    skipped = 0
    for path in qrel_files:
        for qid, raw_doc, grade in read_qrels(path):
            if qid not in texts or raw_doc not in ids:
                skipped += 1
                continue
            if qid not in qrels:
                text, lang = texts[qid]
                lang = str(lang) if lang in LANGS else detect_query_lang(text).lang
                queries.append(Query(qid, text, lang, path.stem))
            qrels.setdefault(qid, {})[ids[raw_doc]] = grade
    notes = [f"{skipped} qrels rows name an unknown query or document and were skipped"] if skipped else []
    return LabeledSet(
        name=slugify(root.name), documents=documents, queries=queries, level="document", doc_qrels=qrels, notes=notes
    )
