"""Answers on the real-genre set (communiqués as the pages give them): does the card's quote hold the fact,
how often is a card shown, and does any card quote a header, dateline or heading line. Development and
reporting only: nothing is chosen on it.

    bnc add eval/realgenre/docs --corpus /tmp/rg/corpus --index /tmp/rg/index
    python -m eval.answers_realgenre --set eval/realgenre --index /tmp/rg/index [--model MODEL.json] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from indexer.answers.answer import Answer, Answerer
from indexer.answers.headers import is_header_line
from indexer.answers.scoring import AnswerModel
from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher


def _lines(meta: dict[str, Any]) -> set[str]:
    return {ln.strip() for ln in [*meta.get("header_lines", []), *meta.get("heading_lines", [])] if ln.strip()}


def _quotes_header(answer: Answer, header_lines: dict[str, set[str]]) -> bool:
    """The quote is (or holds) one of its document's labelled header or heading lines, or reads as one."""
    q = answer.quote
    if q is None:
        return False
    text = q.text.strip()
    lines = header_lines.get(q.passage.doc_id, set())
    return is_header_line(text) or any(
        ln == text or text.startswith(ln + "\n") or text.endswith("\n" + ln) for ln in lines
    )


def run(root: Path, index: Path, model: AnswerModel | None) -> dict[str, Any]:
    questions = [json.loads(x) for x in (root / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x]
    meta = [json.loads(x) for x in (root / "metadata.jsonl").read_text(encoding="utf-8").splitlines() if x]
    header_lines = {m["doc"]: _lines(m) for m in meta}
    answerer = Answerer(Searcher(open_snapshot(index), load_encoder("e5-small-ort")), model)
    rows = []
    for q in questions:
        a = answerer.ask(q["q"])
        level = getattr(a, "level", None) or ("answer" if a.answered else "not_found")  # older Answer: no level
        docs = {q.get("doc"), *q.get("also_in", [])}
        holds = bool(q["answerable"] and a.quote and a.quote.passage.doc_id in docs and q["answer"] in a.quote.text)
        rows.append(
            {
                "id": q["id"],
                "answerable": q["answerable"],
                "kind": q.get("kind", ""),
                "direction": q.get("direction", ""),
                "level": level,
                "confidence": a.confidence,
                "answerable_p": getattr(a, "answerable", None),
                "holds": holds,
                "header": _quotes_header(a, header_lines),
                "quote": a.quote.text[:160] if a.quote else "",
            }
        )
    ans = [r for r in rows if r["answerable"]]
    un = [r for r in rows if not r["answerable"]]
    shown = [r for r in ans if r["level"] in ("answer", "likely")]
    cards = [r for r in rows if r["level"] in ("answer", "likely")]
    summary = {
        "answerable": len(ans),
        "quote_holds_fact": sum(r["holds"] for r in ans),
        "card_shown": len(shown),
        "card_holds_fact": sum(r["holds"] for r in shown),
        "answer_level": sum(r["level"] == "answer" for r in ans),
        "answer_level_holds_fact": sum(r["holds"] for r in ans if r["level"] == "answer"),
        "levels_answerable": dict(Counter(r["level"] for r in ans)),
        "unanswerable": len(un),
        "unanswerable_levels": dict(Counter(f"{r['kind']}:{r['level']}" for r in un)),
        "cards_quoting_a_header": sum(r["header"] for r in cards),
        "quotes_of_a_header_any_level": sum(r["header"] for r in rows),
    }
    return {"summary": summary, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--set", type=Path, required=True, help="the real-genre set folder (questions.jsonl, metadata.jsonl)"
    )
    p.add_argument("--index", type=Path, required=True, help="an index built from its docs with `bnc add`")
    p.add_argument("--model", type=Path, help="an answer model JSON instead of the shipped one")
    p.add_argument("--out", type=Path, help="also write the JSON here")
    args = p.parse_args(argv)
    result = run(args.set, args.index, AnswerModel.load(args.model) if args.model else None)
    print(json.dumps(result["summary"], indent=1, ensure_ascii=False))
    for r in result["rows"]:
        mark = "HOLDS" if r["holds"] else ("HEADER" if r["header"] else "")
        print(f"{r['id']:8} {r['level']:10} {r['confidence']:.2f} {mark:6} {r['quote'][:90]!r}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
