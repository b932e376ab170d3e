"""What adding one communiqué costs at scale: an incremental build over a synthetic index, per stage.

Usage: python -m bench.incremental_add SIZE [--workdir DIR] [--rounds 3] [--out FILE]
SIZE is a passage count (10k, 100k, 1M). The index under WORKDIR/SIZE/index is reused when it
holds the synthetic corpus of that size (as `python -m bench.run_size SIZE` leaves it), else
built first. Each round adds one more synthetic document whose id sorts into the middle of the
collection (its passages are not the last rows), builds incrementally, and prints the stages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.queries import query_set
from bench.run_size import BENCH_CACHE, ann_recall
from bench.synthetic import PER_DOC, DerivedEncoder, SyntheticCorpus, load_base, parse_size
from bench.table import markdown_table
from indexer.encoders import DEFAULT_ENCODER, load_encoder
from indexer.index.build import build_index
from indexer.index.freshness import up_to_date
from indexer.index.snapshot import open_snapshot
from indexer.index.vectors import VectorIndex, index_kind
from indexer.retrieval.search import Searcher


def measure(size: str, workdir: Path, rounds: int) -> dict[str, Any]:
    encoder = load_encoder(DEFAULT_ENCODER)
    base = load_base(encoder, BENCH_CACHE)
    n = parse_size(size)
    grown = SyntheticCorpus(base, n + rounds * PER_DOC)  # same seed: the first n/PER_DOC documents are size's
    docs = grown.documents[: n // PER_DOC]
    extra = grown.documents[n // PER_DOC :]
    build_encoder = DerivedEncoder(encoder, grown)
    index_dir = workdir / size / "index"
    setup: dict[str, Any] = {"reused": True}
    if up_to_date(index_dir, docs, build_encoder) is None:
        t0 = time.perf_counter()
        report = build_index(docs, index_dir, build_encoder, progress=True)
        setup = {"reused": False, "build_s": round(time.perf_counter() - t0, 1), "stages_s": report.seconds}
    runs = []
    middle = docs[len(docs) // 2].doc_id
    for r, doc in enumerate(extra):
        docs = [*docs, replace(doc, doc_id=f"{middle}-add{r}")]  # sorts right after the middle document
        t0 = time.perf_counter()
        report = build_index(docs, index_dir, build_encoder)
        runs.append(
            {"total_s": round(time.perf_counter() - t0, 2), "stages_s": report.seconds, "added": report.encoded}
        )
    snapshot = open_snapshot(index_dir)
    recall = ann_recall(Searcher(snapshot, encoder), encoder.encode_queries(query_set(100)))
    assert isinstance(snapshot.vectors, VectorIndex)  # a local snapshot: its FAISS index
    kind = index_kind(snapshot.vectors.index)
    extended = snapshot.vectors.order is not None
    return {"size": size, "passages": report.passages, "setup": setup, "runs": runs, "vectors": kind} | {
        "extended_in_place": extended,
        "ann_after_adds": recall,
    }


def table(result: dict[str, Any]) -> str:
    stages = list(result["runs"][0]["stages_s"])
    rows = [[s, round(statistics.median(r["stages_s"][s] for r in result["runs"]), 3)] for s in stages]
    rows.append(["total (wall)", round(statistics.median(r["total_s"] for r in result["runs"]), 2)])
    return markdown_table(["stage", "median s"], rows) + (
        f"\n\nOne document ({PER_DOC} passages) added to {result['passages']} passages, "
        f"{len(result['runs'])} rounds; medians. Vectors {result['vectors']}, graph extended in place: "
        f"{result['extended_in_place']}; ANN after the adds, 100 real queries against exact search: "
        f"{result['ann_after_adds']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("size")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bnc-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    args = parser.parse_args()
    result = measure(args.size, args.workdir, args.rounds)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(table(result))


if __name__ == "__main__":
    main()
