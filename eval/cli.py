"""`bnc eval`: evaluate retrieval on a labeled set, train the ranker or the answer model, or run the CI gate."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from eval.datasets.types import DIRECTION_NAMES, DatasetError, LabeledSet
from eval.runner import MODES
from indexer.encoders import DEFAULT_ENCODER
from indexer.retrieval.search import RankingConfig

__all__ = ["cmd_eval", "ranking_config"]


def _listed(values: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str] | None:
    if not values:
        return None
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise DatasetError(f"unknown {what} {', '.join(unknown)}: use {', '.join(allowed)}")
    return items


def ranking_config(overrides: list[str]) -> RankingConfig:
    """The default RankingConfig with `--fusion-set KEY=VALUE` overrides (numbers, true/false, a model path)."""
    cfg = RankingConfig()
    names = [f.name for f in fields(RankingConfig)]
    for item in overrides:
        key, _, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if key not in names or not raw:
            raise DatasetError(f"--fusion-set {item!r}: expected KEY=VALUE with KEY in {', '.join(names)}")
        current = getattr(cfg, key)
        value: Any
        if isinstance(current, bool):
            if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                raise DatasetError(f"--fusion-set {key}: expected true or false")
            value = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(current, Path):
            value = Path(raw)
        else:
            try:
                value = int(raw)
            except ValueError:
                raise DatasetError(f"--fusion-set {key}: expected a whole number") from None
        cfg = replace(cfg, **{key: value})
    return cfg


def _prepare(args: argparse.Namespace, dataset: str) -> tuple[LabeledSet, Any]:
    from eval.datasets.registry import load_dataset
    from eval.engine import CACHE_SEEDS, open_eval_index, seed_cache
    from indexer.encoders import load_encoder

    labeled = load_dataset(dataset, args.datasets, args.corpus)
    index_dir = args.cache / f"{labeled.name}-index"
    seed_cache(index_dir, args.cache / f"{CACHE_SEEDS.get(labeled.name, labeled.name)}-index")
    encoder = load_encoder(args.encoder or DEFAULT_ENCODER)
    link = not args.no_translations
    milvus_uri = None
    if getattr(args, "backend", "local") == "milvus":
        # the embedded engine in the eval index's folder unless a server is named
        milvus_uri = args.milvus_uri or str(index_dir / "milvus.db")
    ix = open_eval_index(
        labeled.documents, index_dir, encoder, progress=not args.quiet, link_translations=link, milvus_uri=milvus_uri
    )
    if milvus_uri is not None:
        labeled.notes.append(f"BM25 and vectors searched in Milvus ({milvus_uri}); ranking in the product")
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

    modes = _listed(args.mode, MODES, "mode") or list(MODES)
    directions = _listed(args.direction, DIRECTION_NAMES, "direction")
    config = ranking_config(args.fusion_set)
    if args.check or args.pin:
        return _check(args, config, started)
    if args.train_ranker:
        return _train_ranker(args, started)
    if args.answers and args.train:
        return _train(args, started)
    labeled, ix = _prepare(args, args.dataset)
    labeled = labeled.select(args.split)
    if args.answers:
        return _answers(args, labeled, ix, directions or list(labeled.directions), started)
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

    from eval.answer_metrics import reliability_diagram
    from eval.answers import evaluate_answers, render_answers
    from indexer.answers.scoring import AnswerModel

    model = AnswerModel.load(args.model) if args.model else None
    rows, records = evaluate_answers(labeled, ix, directions, progress=not args.quiet, model=model)
    name = f"{labeled.name}-{args.split or 'all'}-answers"
    text = render_answers(name, rows)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.md").write_text(text, encoding="utf-8")
    (args.out / f"{name}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    series = {
        d: (
            [r.confidence for r in records if r.direction == d],
            [float(r.contains) for r in records if r.direction == d],
        )
        for d in directions
    }
    reliability_diagram(series, args.out / f"{name}-reliability.png", f"ask: reliability, {name}")
    print(
        f"wrote {args.out / name}.{{md,json}} and {name}-reliability.png; total {time.perf_counter() - started:.1f} s"
    )
    return 0


def _train(args: argparse.Namespace, started: float) -> int:
    """Collect candidate features on the dev data (never a test half), fit, write the model."""
    import json
    from collections import Counter

    from eval.answer_train import TRAIN_SETS, render_curve, train
    from eval.answers import collect, load_records, save_records
    from indexer.answers.scoring import MODEL_PATH, hand_model

    if args.records is not None and args.records.exists():
        records = load_records(args.records)
        print(f"read {len(records)} collected dev records from {args.records}")
    else:
        records = []
        for dataset in TRAIN_SETS:
            labeled, ix = _prepare(args, dataset)
            labeled = labeled.select("dev")
            part = collect(labeled, ix, list(labeled.directions), hand_model(), progress=not args.quiet)
            for r in part:
                r.extra["set"] = f"{dataset} dev"
            records += part
        if args.records is not None:
            save_records(records, args.records)
    model, report = train(records)
    out = args.model_out or MODEL_PATH
    out.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    curve = report.pop("curve")
    print(json.dumps(report, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    curve_path = args.out / "answers-dev-operating-curve.md"
    counts = Counter(r.kind for r in records if len(r.labels) > 0)
    text = render_curve(curve, model.threshold, dict(counts))
    text += "\n## Pooled dev, out of fold, per set\n\n```json\n" + json.dumps(report["dev_oof"], indent=1) + "\n```\n"
    curve_path.write_text(text, encoding="utf-8")
    print(f"wrote {out} and {curve_path}; total {time.perf_counter() - started:.1f} s")
    return 0


def _check(args: argparse.Namespace, config: RankingConfig, started: float) -> int:
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


def _train_ranker(args: argparse.Namespace, started: float) -> int:
    """Fit the ranking model on dev splits only and write it with its training report."""
    import json

    from eval.train_ranker import train
    from indexer.retrieval.ranker import MODEL_FILE

    out = args.model_out or MODEL_FILE
    report = train(args.cache, args.datasets, args.corpus, out, progress=not args.quiet)
    print(json.dumps(report, indent=2))
    print(f"wrote {out}; total {time.perf_counter() - started:.1f} s")
    return 0
