"""Time from adding one new two-page communiqué to searchable, on a large index; prints a table.

Usage: python -m bench.reindex_latency [--base 10000] [--runs 3]
The base index is synthetic (see bench/synthetic.py); the new communiqué is real text (XQuAD
paragraphs from ../shared/datasets, about two pages) and is encoded for real.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic import DerivedEncoder, SyntheticCorpus, load_base
from bench.table import markdown_table
from indexer.encoders import load_encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import document_from_text
from indexer.retrieval.search import Searcher
from indexer.types import Document

ROOT = Path(__file__).resolve().parents[1]
XQUAD = ROOT.parent / "shared" / "datasets" / "xquad" / "xquad.en.json"


def two_page_communique(run: int) -> Document:
    data = json.loads(XQUAD.read_text("utf-8"))
    paras = [p["context"] for p in data["data"][run]["paragraphs"]][:6]
    body = "NEW COMMUNIQUÉ\n\n" + "\n\n".join(paras)
    meta = {"doc_id": f"new-communique-{run}", "lang": "en", "title": f"New communiqué {run}", "date": "2004-01-01"}
    return document_from_text(body, meta, fallback_id="n", sha256=hashlib.sha256(body.encode()).hexdigest())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=int, default=10_000, help="passages in the base index")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    encoder = load_encoder()  # the default runtime
    synthetic = SyntheticCorpus(
        load_base(encoder, ROOT / "bench" / "results" / "cache" / "embeddings.sqlite"), args.base
    )
    docs = synthetic.documents
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp)
        t0 = time.perf_counter()
        # the base gets derived vectors; the new communiqués below are encoded for real
        first = build_index(docs, index, DerivedEncoder(encoder, synthetic))
        took = time.perf_counter() - t0
        print(f"base index: {first.passages} passages, built in {took:.1f} s ({first.encoded} encoded)")
        searcher = Searcher(open_snapshot(index), encoder)
        searcher.search("warm up")
        for run in range(args.runs):
            new = two_page_communique(run)
            docs = [*docs, new]
            t0 = time.perf_counter()
            report = build_index(docs, index, encoder)
            t_build = time.perf_counter() - t0
            t1 = time.perf_counter()
            searcher = Searcher(open_snapshot(index), encoder)
            hits = searcher.search(new.body.split("\n\n")[1][:200], k=3).hits
            t_open = time.perf_counter() - t1
            assert hits and hits[0].passage.doc_id == new.doc_id, "the new communiqué is not searchable"
            words = len(new.body.split())
            rows.append((run, words, report, t_build, t_open))
    headers = ["run", "new words", "new passages", "encode s", "split s", "lexical s", "vectors s", "align s"]
    headers += ["publish s", "open+query s", "non-encoding s", "total s"]
    table: list[list[object]] = []
    non_enc = []
    for run, words, rep, t_build, t_open in rows:
        sec = rep.seconds
        other = t_build - sec["encode"] + t_open
        non_enc.append(other)
        stages = [f"{sec[k]:.2f}" for k in ("encode", "split", "lexical", "vectors", "align", "publish")]
        table.append([run, words, rep.encoded, *stages, f"{t_open:.2f}", f"{other:.2f}", f"{t_build + t_open:.2f}"])
    print()
    print(markdown_table(headers, table))
    passages = rows[0][2].passages
    print(f"\nmedian non-encoding time: {statistics.median(non_enc):.2f} s (target < 2 s) on {passages} passages")


if __name__ == "__main__":
    main()
