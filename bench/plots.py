"""PNG plots of a bench run: latency against corpus size, and the per-stage breakdowns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from bench.run_size import QUERY_STAGES, STAGES


def latency_vs_size(sizes: list[dict[str, Any]], path: Path) -> None:
    runs = sorted(sizes, key=lambda r: r["passages"])
    x = [r["passages"] for r in runs]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for mode, style in (("hybrid", "o-"), ("bm25", "s--"), ("dense", "^:")):
        ax.plot(x, [r["queries"][mode]["total"]["p50"] for r in runs], style, label=f"{mode} p50")
    ax.plot(x, [r["queries"]["hybrid"]["total"]["p95"] for r in runs], "o-", alpha=0.4, label="hybrid p95")
    stage_p50 = [sum(v["p50"] for k, v in r["queries"]["hybrid"]["stages"].items() if k != "encode") for r in runs]
    ax.plot(x, stage_p50, "x-.", label="hybrid without query encoding (sum of stage p50)")
    ax.set_xscale("log")
    ax.set_xlabel("passages")
    ax.set_ylabel("ms per query (in process, k=10)")
    ax.set_title("Query latency against corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _stacked(ax: Any, labels: list[str], parts: dict[str, list[float]], ylabel: str, title: str) -> None:
    bottom = [0.0] * len(labels)
    for name, values in parts.items():
        ax.bar(labels, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)


def stage_breakdown(sizes: list[dict[str, Any]], path: Path) -> None:
    runs = sorted(sizes, key=lambda r: r["passages"])
    labels = [r["size"] for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    query = {s: [r["queries"]["hybrid"]["stages"].get(s, {}).get("p50", 0.0) for r in runs] for s in QUERY_STAGES}
    _stacked(left, labels, query, "ms (p50 per stage)", "Hybrid query, per stage")
    # shares of the build time: sizes differ by 1000x, so absolute bars would hide the small ones
    totals = [max(sum(r["build"]["stages_s"].get(s, 0.0) for s in STAGES), 1e-9) for r in runs]
    build = {
        s: [100 * r["build"]["stages_s"].get(s, 0.0) / t for r, t in zip(runs, totals, strict=True)] for s in STAGES
    }
    build_labels = [
        f"{label}\n{t:.0f} s" if t >= 1 else f"{label}\n{t:.1f} s" for label, t in zip(labels, totals, strict=True)
    ]
    _stacked(right, build_labels, build, "% of build time", "Index build, per stage")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    """`python -m bench.plots RUN.json [RUN.json ...] --out PREFIX`: plot sizes from several runs together."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("runs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sizes = [s for run in args.runs for s in json.loads(run.read_text("utf-8"))["sizes"]]
    latency_vs_size(sizes, args.out.parent / f"{args.out.name}-latency.png")
    stage_breakdown(sizes, args.out.parent / f"{args.out.name}-stages.png")


if __name__ == "__main__":
    main()
