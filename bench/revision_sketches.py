"""What revision detection costs a new process (`bnc index`) at archive size, with and without the sketch store.

Usage: python -m bench.revision_sketches [SIZE] [--rounds 3] [--out FILE]
SIZE is a passage count of the synthetic corpus (default 100k, 5,000 documents). Each load runs in
a fresh process, as every `bnc index` does: without a store every document is hashed again; with
one (indexer.index.sketch_cache, what builds use), the first run fills it and later runs read it.
Prints medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.table import markdown_table

ROOT = Path(__file__).resolve().parents[1]
RUN = """
import json, sys, time
from pathlib import Path
from bench.run_size import BENCH_CACHE
from bench.synthetic import SyntheticCorpus, load_base, parse_size
from indexer.encoders import DEFAULT_ENCODER, load_encoder
from indexer.index.revisions import detect_revisions
from indexer.index.sketch_cache import SketchCache
docs = SyntheticCorpus(load_base(load_encoder(DEFAULT_ENCODER), BENCH_CACHE), parse_size(sys.argv[1])).documents
store = SketchCache(Path(sys.argv[2])) if sys.argv[2] else None
t0 = time.perf_counter()
found = detect_revisions(docs, {}, store)
print(json.dumps({"s": time.perf_counter() - t0, "docs": len(docs), "revisions": len(found)}))
"""


def _run(size: str, store: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", RUN, size, store], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", nargs="?", default="100k")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "sketches.sqlite")
        first = _run(args.size, store)  # fills the store
        rows = []
        for _ in range(args.rounds):  # interleaved, so load drifts hit both alike
            rows.append((_run(args.size, "")["s"], _run(args.size, store)["s"]))
        size_mb = Path(store).stat().st_size / 1e6
    none, kept = statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
    table = markdown_table(
        ["detect_revisions in a new process", "median s"],
        [
            ["no store (hash every document)", round(none, 2)],
            ["store, first run (hash and keep)", round(first["s"], 2)],
            ["store, later runs", f"{kept:.2f} ({none / kept:.1f}x faster)"],
        ],
    )
    text = (
        f"# Revision detection at {args.size} passages ({int(first['docs'])} documents)\n\n"
        f"`python -m bench.revision_sketches {args.size} --rounds {args.rounds}` (fresh process per run; "
        f"store {size_mb:.1f} MB)\n\n{table}\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
