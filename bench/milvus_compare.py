"""The local backend (tantivy + FAISS) against the Milvus backend (embedded milvus-lite), in one run.

Usage: python -m bench.milvus_compare [SIZE ...] [--workdir DIR] [--queries 200] [--out FILE]
SIZE is `corpus` (the bundled corpus, encoded) or a passage count (10k, 100k: synthetic passages with
derived vectors, as bench.run_size prepares them). Per size: one build that writes the snapshot and
its Milvus collection (the build's `milvus` stage is the Milvus write; the rest is the local build the
Milvus backend also needs), then search latency over distinct queries, hybrid and BM25-only, the two
backends interleaved query by query (order alternating), after one warm-up pass that leaves every
query vector cached (query encoding is the same on both and not measured), then the serving RSS of a
fresh process that opened the snapshot and searched (for Milvus: plus its embedded server's process).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.queries import query_set
from bench.rss import mb
from bench.run_size import prepare
from bench.table import markdown_table, percentile, write_report
from indexer.encoders import DEFAULT_ENCODER, load_encoder
from indexer.index.build import build_index
from indexer.index.milvus_open import close
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher

MODES = ("hybrid", "bm25")
BACKENDS = ("local", "milvus")


def tree_rss(pid: int) -> tuple[int, int]:
    """RSS of a process, and of all its descendants (milvus-lite serves from a child process)."""
    root = psutil.Process(pid)
    return root.memory_info().rss, sum(p.memory_info().rss for p in root.children(recursive=True))


def serving_probe(index_dir: Path, uri: str | None, queries: list[str]) -> None:
    """In a fresh process: open the snapshot, search every query in both modes, print the process tree's RSS."""
    searcher = Searcher(open_snapshot(index_dir, milvus_uri=uri), load_encoder(DEFAULT_ENCODER))
    for q in queries:
        for mode in MODES:
            searcher.search(q, k=10, mode=mode)
    print(json.dumps(tree_rss(psutil.Process().pid)))
    if uri is not None:
        close(uri)


def serving_rss(index_dir: Path, uri: str | None, n_queries: int) -> list[float]:
    """[the searching process, its children] in MB."""
    cmd = [sys.executable, "-m", "bench.milvus_compare", "--probe", str(index_dir), "--queries", str(n_queries)]
    out = subprocess.run([*cmd, *(["--uri", uri] if uri else [])], capture_output=True, text=True, check=True)
    return [mb(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]


def measure(size: str, workdir: Path, n_queries: int) -> dict[str, Any]:
    encoder = load_encoder(DEFAULT_ENCODER)
    root = workdir / size
    shutil.rmtree(root, ignore_errors=True)
    index_dir, uri = root / "index", str(root / "milvus.db")
    docs, build_encoder, vectors = prepare(size, encoder, index_dir)
    t0 = time.perf_counter()
    report = build_index(docs, index_dir, build_encoder, milvus_uri=uri)
    total = time.perf_counter() - t0
    milvus_s = report.seconds.get("milvus", 0.0)
    queries = query_set(n_queries)
    searchers = {
        "local": Searcher(open_snapshot(index_dir), encoder),
        "milvus": Searcher(open_snapshot(index_dir, milvus_uri=uri), encoder),
    }
    for q in queries:  # warm-up: query vectors cached, Milvus collection and tantivy readers touched
        for s in searchers.values():
            for mode in MODES:
                s.search(q, k=10, mode=mode)
    ms: dict[tuple[str, str], list[float]] = {(b, m): [] for b in BACKENDS for m in MODES}
    for i, q in enumerate(queries):
        for mode in MODES:
            for backend in BACKENDS if i % 2 == 0 else BACKENDS[::-1]:
                t = time.perf_counter()
                searchers[backend].search(q, k=10, mode=mode)
                ms[(backend, mode)].append((time.perf_counter() - t) * 1000)
    searchers.clear()
    close(uri)  # milvus-lite holds the database file; the probe process opens it next
    rss = {b: serving_rss(index_dir, uri if b == "milvus" else None, min(n_queries, 50)) for b in BACKENDS}
    return {
        "size": size,
        "passages": report.passages,
        "vectors": vectors,
        "queries": len(queries),
        "build_s": {"local": round(total - milvus_s, 2), "milvus": round(total, 2), "milvus_write": round(milvus_s, 2)},
        "latency_ms": {
            f"{b}/{m}": {f"p{p}": round(percentile(v, p / 100), 2) for p in (50, 95)} for (b, m), v in ms.items()
        },
        "rss_mb": rss,
        "stages_s": {k: round(v, 2) for k, v in sorted(report.seconds.items(), key=lambda kv: -kv[1])},
    }


def table(results: list[dict[str, Any]]) -> str:
    headers = ["size", "passages", "backend", "build s", "hybrid p50 ms", "hybrid p95 ms"]
    headers += ["BM25 p50 ms", "BM25 p95 ms", "serving RSS MB"]
    rows = []
    for r in results:
        for b in BACKENDS:
            hybrid, bm25 = r["latency_ms"][f"{b}/hybrid"], r["latency_ms"][f"{b}/bm25"]
            row = [r["size"], r["passages"], b, r["build_s"][b], hybrid["p50"], hybrid["p95"], bm25["p50"], bm25["p95"]]
            rows.append([*row, round(sum(r["rss_mb"][b]), 1)])
    return markdown_table(headers, rows)


def report_lines(results: list[dict[str, Any]], command: str, load: str, started: str) -> list[str]:
    notes = [
        f"- {r['size']}: vectors {r['vectors']}; {r['queries']} distinct queries per mode and backend; "
        f"build stages (s, largest first): {r['stages_s']}; serving RSS [process, children] MB: "
        f"local {r['rss_mb']['local']}, Milvus {r['rss_mb']['milvus']}"
        for r in results
    ]
    return [
        "# Local backend (tantivy + FAISS) vs Milvus backend (embedded milvus-lite)",
        "",
        f"Command: `{command}`  ",
        f"Started {started}; load before the run: `{load}`",
        "",
        table(results),
        "",
        "Build s: the local build; for Milvus, the same build plus the write of its collection (the Milvus",
        "backend still reads passages and documents from the snapshot folder). Latency: `Searcher.search`",
        "k=10 in-process, query vectors already cached, the backends interleaved query by query. Serving RSS:",
        "a fresh process after opening the snapshot and searching 50 queries in both modes, with its children",
        "(the query translator, Apertium, in both; milvus-lite's embedded server for Milvus); both include the ONNX",
        "encoder. The build's `publish` stage includes its `milvus` stage.",
        "",
        *notes,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", default=["corpus", "10k"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bnc-bench-milvus"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("bench/results/milvus-compare.md"))
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        serving_probe(args.probe, args.uri, query_set(args.queries))
        return
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    results = []
    for size in args.sizes:
        results.append(measure(size, args.workdir, args.queries))
        print(json.dumps(results[-1]), flush=True)
    command = "python -m bench.milvus_compare " + " ".join(sys.argv[1:])
    write_report(args.out, report_lines(results, command.strip(), load, started))
    print(table(results))


if __name__ == "__main__":
    main()
