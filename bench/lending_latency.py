"""Latency that reading lent evidence on the lending language's scale adds (indexer.retrieval.lending).

A search filtered to the other language runs two more BM25 queries: the query's top 10 over the whole
index (for its best passage in the query's language) and that passage again within its document.
Each XQuAD question is searched filtered to the other language over the XQuAD evaluation snapshot
(built by `bnc eval --dataset xquad`), with `lending_scale` off and on, interleaved per search; query
vectors and translations are warmed first, so the paired difference is the two queries and one
normalizer. Prints added p50/p95, and the two queries alone.

Usage: python -m bench.lending_latency [--n 200] [--cache eval/results/cache]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from bench.queries import xquad_questions
from bench.table import markdown_table, percentile
from eval.parser import CACHE_DIR
from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.lending import lending_top
from indexer.retrieval.querytrans import other_lang
from indexer.retrieval.search import FusionConfig, Searcher, SearchFilters


def _ms(searcher: Searcher, query: str, filters: SearchFilters) -> float:
    t0 = time.perf_counter()
    searcher.search(query, k=10, filters=filters)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="distinct XQuAD questions, alternating en and es")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="where `bnc eval` keeps its indexes")
    args = parser.parse_args()
    folder = args.cache / "xquad-index"
    if not (folder / "CURRENT").is_file():
        raise SystemExit(f"no XQuAD evaluation snapshot in {folder}: run `bnc eval --dataset xquad` first")
    snapshot, encoder = open_snapshot(folder), load_encoder()
    on = Searcher(snapshot, encoder, FusionConfig())
    off = Searcher(snapshot, encoder, replace(FusionConfig(), lending_scale=False))
    cases = []
    for q in xquad_questions(args.n):
        filters = SearchFilters(doc_lang=other_lang(off.detect(q).lang))
        on.search(q, k=10, filters=filters)  # the query's vector and translation, once
        cases.append((q, filters))
    base, timed, alone = [], [], []
    for q, f in cases:
        base.append(_ms(off, q, f))
        timed.append(_ms(on, q, f))
        qlang = on.detect(q)
        lex_query = snapshot.lexical.query(q, qlang.analyze_with, [], 0.0)
        t0 = time.perf_counter()
        lending_top(snapshot.lexical, lex_query, snapshot.passages, qlang.lang)
        alone.append((time.perf_counter() - t0) * 1000)
    added = [t - b for t, b in zip(timed, base, strict=True)]
    rows = [
        [
            f"cross-language ({len(snapshot.passages)} passages)",
            f"{statistics.median(base):.2f}",
            f"{statistics.median(timed):.2f}",
            f"{statistics.median(added):.2f}",
            f"{percentile(added, 0.95):.2f}",
            f"{statistics.median(alone):.3f}",
            len(cases),
        ]
    ]
    head = ["searches", "p50 off ms", "p50 on ms", "added p50 ms (paired)", "added p95 ms", "lending_top p50 ms", "n"]
    print(markdown_table(head, rows))


if __name__ == "__main__":
    main()
