"""Search latency of code trees side by side over one snapshot, paired query by query.

Each side is a code tree (a checkout of some revision) and a fusion method; it runs in its own worker
process with that tree on PYTHONPATH, opens the snapshot, and warms every query (vectors, translations)
in both kinds of search. Then every query is searched on every side in turn, the order rotating per query,
unfiltered and filtered to the other language, so that a slow moment of the shared machine falls on all
sides alike. Reports p50/p95 per side and kind, and the median of the per-query ratio to the first side.

Usage: python -m bench.revision_latency --index DIR --side NAME=TREE:FUSION [--side ...] [--n 200] [--rounds 3]
e.g.   --side current=.:learned --side base=/tmp/base:weighted (a `git worktree add --detach /tmp/base REV`)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

KINDS = ("unfiltered", "other-lang")


def worker(index: str, fusion: str, queries_file: str) -> None:
    """Serve timing requests ("<query number> <kind>") on stdin with the tree on PYTHONPATH."""
    import time

    from indexer.encoders import DEFAULT_ENCODER, load_encoder
    from indexer.index.snapshot import open_snapshot
    from indexer.retrieval.search import Searcher, SearchFilters

    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    searcher = Searcher(open_snapshot(Path(index)), load_encoder(DEFAULT_ENCODER))

    def once(i: int, kind: str) -> float:
        text, lang = queries[i]
        other = "es" if lang == "en" else "en"
        filters = SearchFilters() if kind == "unfiltered" else SearchFilters(doc_lang=other)
        t0 = time.perf_counter()
        searcher.search(text, k=10, lang=lang, filters=filters, fusion_method=fusion)
        return (time.perf_counter() - t0) * 1000

    for i in range(len(queries)):
        for kind in KINDS:
            once(i, kind)
    print("ready", flush=True)
    for line in sys.stdin:
        num, kind = line.split()
        print(round(once(int(num), kind), 3), flush=True)


def query_file(n: int, out: Path) -> Path:
    """The bench's distinct queries with their detected language, written once so every side reads the same."""
    from bench.queries import query_set
    from indexer.retrieval.querylang import detect_query_lang

    out.write_text(json.dumps([[q, detect_query_lang(q).lang] for q in query_set(n)]), encoding="utf-8")
    return out


def compare(index: Path, sides: list[tuple[str, Path, str]], queries: Path, rounds: int) -> dict[str, Any]:
    procs: dict[str, subprocess.Popen[str]] = {}
    for name, tree, fusion in sides:
        env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(index), fusion, str(queries)]
        procs[name] = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    for name, p in procs.items():
        assert p.stdout is not None and p.stdout.readline().strip() == "ready", f"worker {name} did not start"
    n = len(json.loads(queries.read_text(encoding="utf-8")))
    names = [s[0] for s in sides]
    ms: dict[tuple[str, str], list[float]] = {(name, kind): [] for name in names for kind in KINDS}
    for r in range(rounds):
        for i in range(n):
            for kind in KINDS:
                shift = (i + r) % len(names)
                for name in names[shift:] + names[:shift]:
                    p = procs[name]
                    assert p.stdin is not None and p.stdout is not None
                    p.stdin.write(f"{i} {kind}\n")
                    p.stdin.flush()
                    ms[(name, kind)].append(float(p.stdout.readline()))
    for p in procs.values():
        assert p.stdin is not None
        p.stdin.close()
        p.wait()
    out: dict[str, Any] = {}
    for kind in KINDS:
        first = ms[(names[0], kind)]
        for name in names:
            values = ms[(name, kind)]
            ordered = sorted(values)
            out[f"{kind} {name}"] = {
                "p50": round(statistics.median(values), 2),
                "p95": round(ordered[int(0.95 * len(ordered)) - 1], 2),
                f"ratio to {names[0]}": round(statistics.median(a / b for a, b in zip(values, first, strict=True)), 3),
            }
    return out


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        worker(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True, help="a snapshot folder every side can open")
    parser.add_argument("--side", action="append", required=True, help="NAME=TREE:FUSION, the first is the baseline")
    parser.add_argument("--n", type=int, default=200, help="distinct queries (bench.queries.query_set)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the queries")
    args = parser.parse_args()
    sides = []
    for spec in args.side:
        name, rest = spec.split("=", 1)
        tree, fusion = rest.rsplit(":", 1)
        sides.append((name, Path(tree), fusion))
    queries = query_file(args.n, args.index.parent / f"{args.index.name}-queries.json")
    print(json.dumps(compare(args.index, sides, queries, args.rounds), indent=1))


if __name__ == "__main__":
    main()
