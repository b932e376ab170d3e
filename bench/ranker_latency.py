"""Search latency with the learned ranker against reciprocal rank fusion, side by side in one run.

Each XQuAD question is searched over the XQuAD evaluation snapshot (built by `bnc eval --dataset
xquad`) three ways: same-language filter, filtered to the other language, and unfiltered, once with
`fusion=rrf` and once with `fusion=learned`, interleaved per search; query vectors and
translations are warmed first. Prints p50/p95 per fusion and kind of search, and the paired difference.

Usage: python -m bench.ranker_latency [--n 200] [--cache eval/results/cache]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.queries import xquad_questions
from bench.table import markdown_table, percentile
from eval.parser import CACHE_DIR
from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.querytrans import other_lang
from indexer.retrieval.search import Searcher, SearchFilters


def _ms(searcher: Searcher, query: str, filters: SearchFilters, fusion: str) -> float:
    t0 = time.perf_counter()
    searcher.search(query, k=10, filters=filters, fusion_method=fusion)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="distinct XQuAD questions, alternating en and es")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="where `bnc eval` keeps its indexes")
    args = parser.parse_args()
    folder = args.cache / "xquad-index"
    if not (folder / "CURRENT").is_file():
        raise SystemExit(f"no XQuAD evaluation snapshot in {folder}: run `bnc eval --dataset xquad` first")
    snapshot = open_snapshot(folder)
    searcher = Searcher(snapshot, load_encoder())
    rows = []
    for kind in ("same-language", "cross-language", "unfiltered"):
        cases = []
        for q in xquad_questions(args.n):
            lang = searcher.detect(q).lang
            doc_lang = {"same-language": lang, "cross-language": other_lang(lang), "unfiltered": None}[kind]
            filters = SearchFilters(doc_lang=doc_lang)
            searcher.search(q, k=10, filters=filters)  # the query's vector and translation, once
            cases.append((q, filters))
        rrf, learned = [], []
        for q, f in cases:
            rrf.append(_ms(searcher, q, f, "rrf"))
            learned.append(_ms(searcher, q, f, "learned"))
        added = [b - a for a, b in zip(rrf, learned, strict=True)]
        rows.append(
            [
                f"{kind} ({len(snapshot.passages)} passages)",
                f"{statistics.median(rrf):.2f}",
                f"{percentile(rrf, 0.95):.2f}",
                f"{statistics.median(learned):.2f}",
                f"{percentile(learned, 0.95):.2f}",
                f"{statistics.median(added):+.2f}",
                len(cases),
            ]
        )
    head = ["searches", "rrf p50 ms", "rrf p95 ms", "learned p50 ms", "learned p95 ms", "paired p50", "n"]
    print(markdown_table(head, rows))


if __name__ == "__main__":
    main()
