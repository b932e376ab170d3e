"""Index build time and in-process query latency on the bundled corpus; prints a Markdown table.

Usage: python -m bench.corpus_latency [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.table import markdown_table, percentile
from indexer.encoders import load_encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher, SearchFilters

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", None),
    ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", "en"),
    ("When does the LIFE Act legalization window close?", None),
    ("SENTRI", None),
    ("convención de Viena notificación consular", "en"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    docs = load_corpus(ROOT / "corpus").documents
    encoder = load_encoder()  # the default runtime
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        t0 = time.perf_counter()
        cold = build_index(docs, index_dir, encoder)
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = build_index(docs, index_dir, encoder)
        warm_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        searcher = Searcher(open_snapshot(index_dir), encoder, query_vectors=None)  # repeats encode again
        open_ms = (time.perf_counter() - t0) * 1000
        rows: list[list[object]] = []
        for name, rep, secs in (("cold (empty cache)", cold, cold_s), ("warm (cached vectors)", warm, warm_s)):
            stages = ", ".join(f"{k} {v:.3f}" for k, v in rep.seconds.items())
            rows.append([name, rep.passages, rep.encoded, f"{secs:.2f}", stages])
        print(markdown_table(["build", "passages", "encoded", "wall s", "stages s"], rows))
        print(f"\nsnapshot open + verify: {open_ms:.1f} ms\n")
        rows = []
        for mode in ("bm25", "dense", "hybrid"):
            times: list[float] = []
            for _ in range(args.repeats):
                for q, doc_lang in QUERIES:
                    t0 = time.perf_counter()
                    searcher.search(q, k=10, mode=mode, filters=SearchFilters(doc_lang=doc_lang))
                    times.append((time.perf_counter() - t0) * 1000)
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            rows.append([mode, f"{p50:.2f}", f"{p95:.2f}", f"{max(times):.2f}", len(times)])
        print(markdown_table(["mode", "p50 ms", "p95 ms", "max ms", "queries"], rows))


if __name__ == "__main__":
    main()
