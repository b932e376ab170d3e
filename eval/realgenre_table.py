"""What `bnc add` read from a labelled set of real communiqués, per document, against the labels.

`python -m eval.realgenre_table LABELS REPORT INDEX`: LABELS is a folder with metadata.jsonl (date,
meeting, working_group, place, header_lines, translation_of, duplicate_of per document), REPORT the
JSON of `bnc add LABELS/docs --json`, INDEX the index that import built. Prints a Markdown table:
'ok' where the value read is the label, the value read in bold where it is not."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.index.snapshot import open_snapshot
from indexer.ingest.header import short_place


def fold(text: object) -> str:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _same_place(got: str, want: str) -> bool:
    g, w = fold(short_place(got)), fold(short_place(want))
    return g == w or w in fold(got) or g in fold(want)


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def cell(self, key: str, got: Any, want: Any, same: Callable[[str, str], bool]) -> str:
        if want in (None, ""):
            return "–" if not got else f"+{got}"
        right, total = self.counts.setdefault(key, [0, 0])
        good = bool(got) and same(str(got), str(want))
        self.counts[key] = [right + good, total + 1]
        return "ok" if good else f"**{got or '—'}**"


def table(labels: Path, report: dict[str, Any], index: Path) -> str:
    snap = open_snapshot(index)
    rows = {Path(r["file"]).stem: r for r in report["files"]}
    tally = Tally()
    lines = [
        "| doc | lang | date | meeting | working group | place | header lines as passages | passages "
        "| translation link | excerpt of | title read |",
        "|---|---|---|---|---|---|---:|---:|---|---|---|",
    ]
    with_header = 0
    for raw in (labels / "metadata.jsonl").read_text("utf-8").splitlines():
        lab = json.loads(raw)
        row = rows[lab["doc"]]
        doc = snap.documents[row["doc_id"]]
        meeting = str(lab["meeting"]) if lab.get("meeting") else None
        cells = [
            tally.cell("date", doc.date, lab.get("date"), lambda g, w: g == w),
            tally.cell("meeting", doc.meta.get("meeting_number"), meeting, lambda g, w: g == w),
            tally.cell("working group", doc.meta.get("working_group"), lab.get("working_group"), _fold_eq),
            tally.cell("place", doc.meta.get("place"), lab.get("place"), _same_place),
        ]
        texts = [p.text for p in snap.passages if p.doc_id == doc.doc_id]
        as_passages = [
            h for h in lab.get("header_lines", []) if h.strip() and any(h.strip() in _lines(t) for t in texts)
        ]
        with_header += bool(as_passages)
        want_link, got_link = lab.get("translation_of") or "", row["paired_with"]
        link = (got_link or "–") if got_link == want_link else f"**{got_link or '—'}** (label {want_link or '—'})"
        tally.counts.setdefault("links", [0, 0])
        tally.counts["links"] = [tally.counts["links"][0] + (got_link == want_link), tally.counts["links"][1] + 1]
        want_dup, got_dup = lab.get("duplicate_of") or "", row.get("duplicate_of", "")
        dup = got_dup if got_dup == want_dup else f"**{got_dup or '—'}** (label {want_dup or '—'})"
        lines.append(
            f"| {lab['doc']} | {doc.lang} | {' | '.join(cells)} | {len(as_passages)} | {len(texts)} "
            f"| {link} | {dup} | {doc.title[:50]} |"
        )
    summary = ", ".join(f"{k} {a}/{b}" for k, (a, b) in tally.counts.items())
    return "\n".join([*lines, "", f"{summary}; documents with a header line as a passage: {with_header}"])


def questions(labels: Path, report: dict[str, Any], index: Path, k: int = 5) -> str:
    """questions.jsonl over the import: the answer string inside a top passage of its document (or one
    named in `also_in`), at rank 1 and in the top k; and how often the top hit is a header line."""
    from indexer.encoders import load_encoder
    from indexer.retrieval.search import Searcher

    snap = open_snapshot(index)
    searcher = Searcher(snap, load_encoder("e5-small"))
    ids = {Path(r["file"]).stem: r["doc_id"] for r in report["files"]}
    heads = {
        h.strip()
        for raw in (labels / "metadata.jsonl").read_text("utf-8").splitlines()
        for h in json.loads(raw).get("header_lines", [])
    }
    n = top1 = topk = header = 0
    for raw in (labels / "questions.jsonl").read_text("utf-8").splitlines():
        q = json.loads(raw)
        if not q.get("answerable"):
            continue
        n += 1
        docs = {ids[q["doc"]], *(ids[d] for d in q.get("also_in", []))}
        hits = searcher.search(q["q"], k=k, lang=q["lang"]).hits
        good = [h.passage.doc_id in docs and q["answer"] in h.passage.text for h in hits]
        top1 += bool(good and good[0])
        topk += any(good)
        header += bool(hits) and any(line.strip() in heads for line in _lines(hits[0].passage.text))
    return f"answerable {n}: answer in the top passage {top1}, in the top {k} {topk}; header line as top hit {header}"


def _fold_eq(got: str, want: str) -> bool:
    return fold(got) == fold(want)


def _lines(text: str) -> list[str]:
    return [x.strip() for x in text.split("\n")]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    labels, report, index = Path(args[0]), json.loads(Path(args[1]).read_text("utf-8")), Path(args[2])
    print(table(labels, report, index))
    if (labels / "questions.jsonl").is_file():
        print("\n" + questions(labels, report, index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
