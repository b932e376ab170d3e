"""Revision detection measured on XQuAD: each article (48 EN + 48 ES) and a corrected version of it.

A corrected version rewrites a share of the article's sentences (each replaced by a sentence of
another article in the same language: harsher than a real correction, which rewords), appends a
paragraph, or drops its last third. indexer.index.revisions must pair every original with its
version (recall) and nothing else (precision); the most similar pair of *distinct* articles
shows the margin below the threshold. `python -m eval.revisions [--datasets ../shared/datasets]`."""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval.pairing import xquad_articles
from indexer.index.revisions import REVISION_THRESHOLD, jaccard, similar_pairs, sketch
from indexer.ingest.splitter import sentence_spans
from indexer.types import Document

SHARES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def _sentences(text: str, lang: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, lang)]


def rewrite(doc: Document, others: list[Document], share: float, rng: random.Random) -> str:
    """The body with `share` of its sentences replaced by sentences of other articles."""
    paragraphs = doc.body.split("\n\n")
    spans = [(i, s) for i, para in enumerate(paragraphs) for s in _sentences(para, doc.lang)]
    pool = [s for o in others for s in _sentences(o.body, o.lang)]
    for i, sentence in rng.sample(spans, max(1, round(share * len(spans)))):
        paragraphs[i] = paragraphs[i].replace(sentence, rng.choice(pool), 1)
    return "\n\n".join(paragraphs)


def appended(doc: Document, others: list[Document], rng: random.Random) -> str:
    return doc.body + "\n\n" + rng.choice(others).body.split("\n\n")[0]


def truncated(doc: Document) -> str:
    paragraphs = doc.body.split("\n\n")
    return "\n\n".join(paragraphs[: max(1, (2 * len(paragraphs)) // 3)])


def run(docs: list[Document], make: Callable[[Document, list[Document]], str]) -> dict[str, Any]:
    versions = []
    for d in docs:
        others = [o for o in docs if o.lang == d.lang and o.doc_id != d.doc_id]
        body = make(d, others)
        sha = hashlib.sha256(body.encode()).hexdigest()
        versions.append(replace(d, doc_id=d.doc_id + "-v2", body=body, sha256=sha))
    found = similar_pairs(docs + versions)
    truth = {(d.doc_id, d.doc_id + "-v2") for d in docs}
    correct = [pair for pair in found if pair in truth]
    sims = [jaccard(sketch(d.body), sketch(v.body)) for d, v in zip(docs, versions, strict=True)]
    return {
        "pairs_found": len(found),
        "correct": len(correct),
        "precision": round(len(correct) / len(found), 4) if found else 1.0,
        "recall": round(len(correct) / len(truth), 4),
        "lowest_true_similarity": round(min(sims), 4),
        "median_true_similarity": round(sorted(sims)[len(sims) // 2], 4),
        "wrong": sorted(pair for pair in found if pair not in truth)[:10],
    }


def measure(docs: list[Document], seed: int = 13) -> dict[str, Any]:
    rng = random.Random(seed)
    distinct = max(
        jaccard(sketch(a.body), sketch(b.body)) for a, b in itertools.combinations(docs, 2) if a.lang == b.lang
    )
    runs: dict[str, Any] = {}
    for share in SHARES:
        make = functools.partial(rewrite, share=share, rng=rng)
        runs[f"{int(share * 100)}% of sentences rewritten"] = run(docs, make)
    runs["a paragraph appended"] = run(docs, lambda d, o: appended(d, o, rng))
    runs["last third dropped"] = run(docs, lambda d, o: truncated(d))
    originals = similar_pairs(docs)
    return {
        "threshold": REVISION_THRESHOLD,
        "documents": len(docs),
        "distinct_articles_highest_similarity": round(distinct, 4),
        "pairs_found_among_distinct_articles": len(originals),
        "runs": runs,
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        f"threshold {report['threshold']}; {report['documents']} XQuAD articles (EN + ES); "
        f"most similar distinct articles: {report['distinct_articles_highest_similarity']}; "
        f"pairs found among distinct articles: {report['pairs_found_among_distinct_articles']}",
        "",
        "| version | precision | recall | lowest similarity | median similarity |",
        "|---|---|---|---|---|",
    ]
    for name, r in report["runs"].items():
        lines.append(
            f"| {name} | {r['precision']} | {r['recall']} | {r['lowest_true_similarity']} | "
            f"{r['median_true_similarity']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all", help="dev = articles 0-23")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    docs = xquad_articles(args.datasets)
    if args.split != "all":
        docs = [d for d in docs if (int(d.doc_id[-2:]) < 24) == (args.split == "dev")]
    report = measure(docs)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
