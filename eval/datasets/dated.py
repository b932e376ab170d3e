"""Dated questions over several communiqués (eval/dated): the bundled corpus plus dated fixtures.

Each question names a date, year, month or meeting ("in February 1995", "the XV BNC"); it is asked
twice, as written (split `dated`) and with the date removed (split `undated`), both judged by the
communiqué of the asked date or meeting (and its translation). Kinds: `date`, `meeting`, and
`context` (the date is only context, e.g. "since 1995": no preference must hide the answer).

`heldout.jsonl` holds other questions over the same communiqués, written after `date_boost` was
chosen on questions.jsonl and never used to tune it: splits `heldout` and `heldout-undated`.
`context-dev.jsonl` is the dev set of the rule for dates that are only context (kind `context`,
plus `date` questions worded alike, where the date is asked): splits `context-dev`, `context-dev-undated`."""

from __future__ import annotations

from pathlib import Path

from eval.datasets.commission import read_questions
from eval.datasets.locate import corpus_dir
from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1] / "dated"


def load_dated(corpus: Path | None = None, root: Path = ROOT) -> LabeledSet:
    bundled, fixtures = load_corpus(corpus_dir(corpus)), load_corpus(root / "communiques")
    documents = bundled.documents + fixtures.documents
    known = {d.doc_id for d in documents}
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    files = (
        ("questions.jsonl", "dated", "undated"),
        ("heldout.jsonl", "heldout", "heldout-undated"),
        ("context-dev.jsonl", "context-dev", "context-dev-undated"),
    )
    for name, dated, undated in files:
        path = root / name
        for row in read_questions(path) if path.exists() else []:
            missing = [d for d in row["doc_ids"] if d not in known]
            if missing:
                raise DatasetError(f"dated question {row['id']}: no document {missing[0]!r}")
            for qid, text, split in ((row["id"], row["question"], dated), (f"{row['id']}-u", row["undated"], undated)):
                queries.append(Query(str(qid), str(text), str(row["lang"]), split))
                qrels[str(qid)] = {d: 1 for d in row["doc_ids"]}
    notes = [f"corpus: {err}" for err in bundled.errors + fixtures.errors]
    return LabeledSet("dated", documents, queries, "document", doc_qrels=qrels, notes=notes)
