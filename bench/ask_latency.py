"""`ask` latency next to search, cold and warm, in one run: the bundled corpus and a synthetic 10k index.

Usage: python -m bench.ask_latency [--sizes corpus,10k] [--queries 40] [--out bench/results/ask-latency.md]

cold: a question never seen before (its vector is not in the query-vector LRU), so search and ask
each pay one question encoding; warm: the same questions again. "ask (no sentence table)" is the
previous path, where ask encoded the sentences of its top passages on first sight (an index built
before sentence vectors); it is measured cold only. The synthetic index takes its passage and
sentence vectors from bench.synthetic (derived from real encodings: cost, not quality); questions
are encoded for real.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from bench.synthetic import DerivedEncoder, SyntheticCorpus, load_base, parse_size
from bench.table import markdown_table, percentile, write_report
from indexer.answers.answer import Answerer
from indexer.encoders import Encoder, load_encoder
from indexer.encoders.querycache import QueryVectors
from indexer.index.build import build_index
from indexer.index.snapshot import IndexSnapshot, open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher
from indexer.types import Document

ROOT = Path(__file__).resolve().parents[1]
BASE_CACHE = ROOT / "bench" / "results" / "cache" / "embeddings.sqlite"
QUESTIONS = (
    "¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?",
    "When does the LIFE Act legalization window close?",
    "How many border crossing cards were issued?",
    "¿Qué acordaron sobre la notificación consular?",
    "Who leads the working group on migration?",
    "SENTRI",
    "¿Dónde se reunió la comisión binacional?",
    "What was agreed about border safety?",
)


def questions(n: int, round_no: int) -> list[str]:
    """n distinct texts (a numbered suffix keeps each one new to the query-vector LRU)."""
    return [f"{QUESTIONS[i % len(QUESTIONS)]} {round_no}-{i}" for i in range(n)]


def timed(fn: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    out = []
    for t in texts:
        t0 = time.perf_counter()
        fn(t)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(snapshot: IndexSnapshot, encoder: Encoder, n: int) -> list[list[object]]:
    searcher = Searcher(snapshot, encoder, query_vectors=QueryVectors(capacity=100_000))
    answerer = Answerer(searcher)
    legacy = Answerer(
        Searcher(replace(snapshot, sentences=None), encoder, query_vectors=QueryVectors(capacity=100_000))
    )
    for t in QUESTIONS:  # load the model and page in the index before timing
        answerer.ask(t)
        searcher.search(t, k=10)
    runs: dict[str, list[float]] = {}
    # alternate the kinds round by round so machine noise falls on all of them alike
    for r in range(2):
        cold = questions(n, r)
        runs.setdefault("search cold", []).extend(timed(lambda q: searcher.search(q, k=10), cold))
        runs.setdefault("search warm", []).extend(timed(lambda q: searcher.search(q, k=10), cold))
        fresh = questions(n, r + 10)
        runs.setdefault("ask cold", []).extend(timed(answerer.ask, fresh))
        runs.setdefault("ask warm", []).extend(timed(answerer.ask, fresh))
        old = questions(max(n // 4, 4), r + 20)
        runs.setdefault("ask cold (no sentence table)", []).extend(timed(legacy.ask, old))
        legacy.sentences = type(legacy.sentences)(legacy.searcher)  # its LRU starts empty each round
    base = statistics.median(runs["search cold"])
    rows: list[list[object]] = []
    for name, times in runs.items():
        p50 = statistics.median(times)
        rows.append([name, f"{p50:.1f}", f"{percentile(times, 0.95):.1f}", f"{p50 / base:.2f}", len(times)])
    return rows


def corpus_index(tmp: Path, encoder: Encoder) -> tuple[IndexSnapshot, str]:
    docs = load_corpus(ROOT / "corpus").documents
    report = build_index(docs, tmp, encoder)
    note = f"{report.passages} passages; build encode {report.seconds['encode']:.1f} s, "
    note += f"sentences {report.seconds['sentences']:.1f} s"
    return open_snapshot(tmp), note


def synthetic_index(tmp: Path, encoder: Encoder, size: int) -> tuple[IndexSnapshot, str]:
    corpus = SyntheticCorpus(load_base(encoder, BASE_CACHE), size)
    docs: list[Document] = corpus.documents
    report = build_index(docs, tmp, DerivedEncoder(encoder, corpus))
    snapshot = open_snapshot(tmp)
    note = f"{report.passages} passages, {len(snapshot.sentences or [])} sentences; "
    note += f"build sentences stage {report.seconds['sentences']:.1f} s (derived vectors)"
    return snapshot, note


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="corpus,10k")
    parser.add_argument("--queries", type=int, default=40, help="distinct questions per kind and round")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ask-latency.md")
    args = parser.parse_args(argv)
    encoder = load_encoder()
    lines = ["# ask latency next to search (in-process, one run)", ""]
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if size == "corpus":
                snapshot, note = corpus_index(Path(tmp), encoder)
            else:
                snapshot, note = synthetic_index(Path(tmp), encoder, parse_size(size))
            rows = measure(snapshot, encoder, args.queries)
        lines += [f"## {size}: {note}", ""]
        lines.append(markdown_table(["kind", "p50 ms", "p95 ms", "p50 / search cold p50", "calls"], rows))
        lines.append("")
        print("\n".join(lines[-4:]), flush=True)
    write_report(args.out, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
