"""Query sets for benchmarks: real questions staff-style (commission set) and XQuAD, en and es."""

from __future__ import annotations

import json
from pathlib import Path

from eval.datasets.xquad import read_squad

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"


def commission_questions() -> list[str]:
    """The 140 hand-written evaluation questions (74 en, 66 es), median 9 words."""
    path = ROOT / "eval" / "commission" / "questions.jsonl"
    return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def xquad_questions(n: int, offset: int = 0) -> list[str]:
    """`n` distinct XQuAD questions alternating English and Spanish (different paragraphs)."""
    per_lang = {
        lang: [q.text for p in read_squad(DATASETS / "xquad" / f"xquad.{lang}.json") for q in p.questions]
        for lang in ("en", "es")
    }
    out: list[str] = []
    i = offset
    while len(out) < n and i < len(per_lang["en"]):
        out.append(per_lang["en" if i % 2 == 0 else "es"][i])
        i += 1
    return out


def query_set(n: int = 200) -> list[str]:
    """Distinct queries, so no cache of any layer answers twice: commission first, then XQuAD."""
    out = list(dict.fromkeys(commission_questions()))[:n]
    if len(out) < n:
        out += [q for q in xquad_questions(n - len(out) + 50) if q not in out][: n - len(out)]
    return out
