"""Search quality on the real-genre set: the rank of each answerable question's document among the hits.

Each question is searched as `ask` searches (hybrid, the learned ranker, hits grouped by document) with its
language known, twice: filtered to its direction's document language ("en-es": Spanish documents), and
unfiltered as `ask` runs it (an aligned pair listed once). The gold documents are `doc` and `also_in`.
Development and reporting only: nothing is chosen on it.

    bnc add eval/realgenre/docs --corpus /tmp/rgc --index /tmp/rgi --json > /tmp/add.json
    python -m eval.realgenre_search --set eval/realgenre --index /tmp/rgi [--model RANKER.json] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.retrieval.stages import RankingConfig

DEPTH = 10  # documents listed per question; a gold document below them counts as not found


def run(root: Path, index: Path, model: Path | None = None) -> dict[str, Any]:
    """Per question: the gold document's rank (None below DEPTH); per direction: top-1 and top-5 counts."""
    questions = [json.loads(x) for x in (root / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x]
    config = RankingConfig() if model is None else replace(RankingConfig(), model=model)
    searcher = Searcher(open_snapshot(index), load_encoder("e5-small-ort"), config)
    rows = []
    for q in questions:
        if not q["answerable"]:
            continue
        gold = {q["doc"], *q.get("also_in", [])}
        row = {"id": q["id"], "direction": q["direction"], "q": q["q"]}
        for name, filters in (("filtered", SearchFilters(doc_lang=q["direction"].split("-")[1])), ("all", None)):
            result = searcher.search(q["q"], DEPTH, "hybrid", q["lang"], filters, group="document")
            docs = [h.passage.doc_id for h in result.hits]
            row[name] = next((i for i, d in enumerate(docs, start=1) if d in gold), None)
            row[f"{name}_top"] = docs[:3]
        rows.append(row)
    per: dict[str, dict[str, int]] = {}
    for r in rows:
        for cell in (r["direction"], "all"):
            c = per.setdefault(
                cell, dict.fromkeys(("questions", "top1", "top5", "unfiltered_top1", "unfiltered_top5"), 0)
            )
            c["questions"] += 1
            for name, prefix in (("filtered", ""), ("all", "unfiltered_")):
                c[f"{prefix}top1"] += r[name] == 1
                c[f"{prefix}top5"] += r[name] is not None and r[name] <= 5
    return {"summary": dict(sorted(per.items())), "rows": rows}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| direction | questions | top-1 | top-5 | unfiltered top-1 | unfiltered top-5 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for cell, c in result["summary"].items():
        counts = [c[n] for n in ("questions", "top1", "top5", "unfiltered_top1", "unfiltered_top5")]
        lines.append(f"| {cell} | " + " | ".join(map(str, counts)) + " |")
    head = "| question | direction | rank | top documents | unfiltered rank | top documents | text |"
    lines += ["", head, "|---|---|---:|---|---:|---|---|"]
    for r in result["rows"]:
        ranks = [r[n] if r[n] is not None else f">{DEPTH}" for n in ("filtered", "all")]
        cells = [
            r["id"],
            r["direction"],
            ranks[0],
            " ".join(r["filtered_top"]),
            ranks[1],
            " ".join(r["all_top"]),
            r["q"],
        ]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", type=Path, required=True, help="the real-genre set folder (questions.jsonl)")
    p.add_argument("--index", type=Path, required=True, help="an index built from its docs with `bnc add`")
    p.add_argument("--model", type=Path, help="a ranker JSON instead of the shipped one")
    p.add_argument("--out", type=Path, help="also write the tables (Markdown) here")
    args = p.parse_args(argv)
    result = run(args.set, args.index, args.model)
    text = markdown(result)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
