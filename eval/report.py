"""Reports of an evaluation: a printed table, JSON, Markdown and a PNG bar chart of the main metric."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.metrics import LABELS, MAIN_METRIC, METRICS
from eval.parser import RESULTS_DIR
from eval.runner import EvalResult


def result_name(result: EvalResult) -> str:
    return f"{result.dataset}-{result.split or 'all'}"


def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def header(result: EvalResult) -> str:
    q = ", ".join(f"{d} {n}" for d, n in result.n_queries.items())
    return (
        f"{result.dataset} (split {result.split or 'all'}, {result.level} level, k={result.k}, "
        f"query lang {result.query_lang}): {result.counts['documents']} documents, "
        f"{result.counts['passages']} passages; judged queries: {q}"
    )


def rows(result: EvalResult, metrics: Sequence[str] = METRICS) -> list[list[str]]:
    """One row per (direction, mode): the long table."""
    out = []
    for d in result.directions:
        for mode in result.modes:
            scores = result.metrics.get(mode, {}).get(d, {})
            out.append([d, mode, str(result.n_queries.get(d, 0)), *(_fmt(scores.get(m)) for m in metrics)])
    return out


def pivot(result: EvalResult, metric: str = MAIN_METRIC) -> list[list[str]]:
    """Modes down, directions across: the side-by-side view of one metric."""
    return [
        [mode, *(_fmt(result.metrics.get(mode, {}).get(d, {}).get(metric)) for d in result.directions)]
        for mode in result.modes
    ]


def text_table(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *body]) for i in range(len(head))]

    def line(r: Sequence[str]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(cells)).rstrip()

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *(line(r) for r in body)])


def markdown_table(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(out)


def long_head(metrics: Sequence[str] = METRICS) -> list[str]:
    return ["direction", "mode", "n", *(LABELS.get(m, m) for m in metrics)]


def render_text(result: EvalResult) -> str:
    main = text_table(["mode", *result.directions], pivot(result))
    full = text_table(long_head(), rows(result))
    return f"{header(result)}\n\n{LABELS[MAIN_METRIC]}\n{main}\n\n{full}\n"


def render_markdown(result: EvalResult) -> str:
    notes = "".join(f"- {n}\n" for n in result.notes)
    cfg = ", ".join(f"{k}={v}" for k, v in result.config.items())
    return (
        f"# Retrieval evaluation: {result.dataset} ({result.split or 'all'})\n\n"
        f"{header(result)}.\n\nEncoder `{result.encoder}`, index `{result.index_version}`, fusion: {cfg}.\n\n"
        f"## {LABELS[MAIN_METRIC]} by mode and direction\n\n"
        f"{markdown_table(['mode', *result.directions], pivot(result))}\n\n"
        f"## All metrics\n\n{markdown_table(long_head(), rows(result))}\n\n"
        f"## Notes\n\n{notes}- seconds per mode: {result.seconds}\n"
    )


def to_json(result: EvalResult) -> dict[str, Any]:
    return {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **result.to_dict()}


def write_chart(result: EvalResult, path: Path, metric: str = MAIN_METRIC) -> None:
    """Grouped bars: one group per direction, one bar per mode (Agg canvas, no global backend)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(6.0, 1.6 * len(result.directions) + 2), 4.2), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    n = max(1, len(result.modes))
    width = 0.8 / n
    for i, mode in enumerate(result.modes):
        values = [result.metrics.get(mode, {}).get(d, {}).get(metric, 0.0) for d in result.directions]
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(result.directions))]
        ax.bar(xs, values, width, label=mode)
    ax.set_xticks(range(len(result.directions)), result.directions)
    ax.set_ylim(0, 1)
    ax.set_ylabel(LABELS.get(metric, metric))
    ax.set_title(f"{result.dataset} ({result.split or 'all'}): {LABELS.get(metric, metric)}")
    ax.legend(fontsize="small", ncols=min(n, 5), loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def write_reports(result: EvalResult, out_dir: Path = RESULTS_DIR, json_path: Path | None = None) -> list[Path]:
    """<name>.json, <name>.md and <name>.png under out_dir (and the JSON also at json_path)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = result_name(result)
    payload = json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"
    paths = [out_dir / f"{name}.json", out_dir / f"{name}.md", out_dir / f"{name}.png"]
    paths[0].write_text(payload, encoding="utf-8")
    paths[1].write_text(render_markdown(result), encoding="utf-8")
    write_chart(result, paths[2])
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(payload, encoding="utf-8")
        paths.append(json_path)
    return paths


def write_runs(result: EvalResult, out_dir: Path) -> None:
    """TREC runs (qid Q0 id rank score tag) and BEIR qrels (query-id corpus-id score) per direction."""
    from eval.metrics import ranking_to_run

    out_dir.mkdir(parents=True, exist_ok=True)
    for d, qrels in result.qrels.items():
        lines = [
            "query-id\tcorpus-id\tscore",
            *(f"{q}\t{i}\t{g}" for q, rels in qrels.items() for i, g in rels.items()),
        ]
        (out_dir / f"qrels.{d}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for mode, per_dir in result.rankings.items():
        for d, ranking in per_dir.items():
            run = ranking_to_run(ranking)
            lines = [
                f"{q} Q0 {i} {rank} {score:g} {mode}"
                for q, scored in run.items()
                for rank, (i, score) in enumerate(scored.items(), start=1)
            ]
            (out_dir / f"run.{mode}.{d}.trec").write_text("\n".join(lines) + "\n", encoding="utf-8")
