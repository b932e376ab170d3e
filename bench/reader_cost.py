"""What a joint read (question and passage in one forward pass) would cost, next to search and ask, in one run.

Usage: python -m bench.reader_cost [--runs 30] [--lengths 256,384] [--passages 5] [--threads 1,2] [--out PATH]

An extractive reader or cross-encoder reads the question and a passage together, one forward pass per top
passage, at query time: nothing of it can be computed at build time. No such model is bundled (no model hub
here), so the cost is measured with the bundled encoder itself: multilingual-e5-small is a 12-layer,
384-wide transformer, the size of the small multilingual readers (MiniLM-L12-H384), and a span head adds
one matrix product. Each timed call is the encoder's public `encode_passages` on texts that tokenize to
exactly the given length (the question and a corpus passage), so tokenizing and the embedding lookup are
included. Search and ask are timed cold (a new question each call) on the bundled corpus's index in the
same process, alternating round by round with the forward passes so machine noise falls on all alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.ask_latency import ROOT, corpus_index, questions
from bench.table import markdown_table, percentile, write_report
from indexer.answers.answer import PASSAGES, Answerer
from indexer.encoders import Encoder, load_encoder
from indexer.encoders.querycache import QueryVectors
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher

QUESTION = "¿Cuándo terminó el programa de sustitución de la tarjeta de cruce fronterizo?"


def exact_length(encoder: Encoder, words: Sequence[str], tokens: int, offset: int = 0) -> str:
    """The question and the longest run of corpus words (from `offset`) that tokenize to at most `tokens`
    (specials included); the table reports the count reached."""
    count = getattr(encoder, "token_count", None)
    if count is None:
        raise SystemExit("this encoder does not count tokens (use the bundled e5-small)")
    lo, hi = 0, len(words) - offset
    while lo < hi:  # the most words that fit
        mid = (lo + hi + 1) // 2
        if count(QUESTION + " " + " ".join(words[offset : offset + mid])) <= tokens:
            lo = mid
        else:
            hi = mid - 1
    return QUESTION + " " + " ".join(words[offset : offset + lo])


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def measure(
    encoder: Encoder, searcher: Searcher, runs: int, lengths: Sequence[int], passages: int
) -> list[list[object]]:
    answerer = Answerer(searcher)
    words = " ".join(d.body for d in load_corpus(ROOT / "corpus").documents).split()
    count = encoder.token_count  # type: ignore[attr-defined]
    texts = {n: [exact_length(encoder, words, n, 997 * i) for i in range(passages)] for n in lengths}
    for t in questions(8, 99):  # load the model and page the index in before timing
        answerer.ask(t)
    times: dict[str, list[float]] = {}
    for r in range(runs):
        q_search, q_ask = questions(1, 1000 + r)[0], questions(1, 2000 + r)[0]
        times.setdefault("search cold", []).append(timed(lambda q=q_search: searcher.search(q, k=10)))  # type: ignore[misc]
        times.setdefault("ask cold", []).append(timed(lambda q=q_ask: answerer.ask(q)))  # type: ignore[misc]
        for n in lengths:
            one = texts[n][r % passages]
            times.setdefault(f"one joint pass, {n} tokens", []).append(
                timed(lambda t=one: encoder.encode_passages([t]))  # type: ignore[misc]
            )
            times.setdefault(f"{passages} joint passes (top passages), {n} tokens", []).append(
                timed(lambda n=n: encoder.encode_passages(texts[n]))  # type: ignore[misc]
            )
    base = statistics.median(times["search cold"])
    ask = statistics.median(times["ask cold"])
    rows: list[list[object]] = []
    for name, values in times.items():
        p50 = statistics.median(values)
        tokens = next((count(texts[n][0]) for n in lengths if f" {n} tokens" in name), "")
        extra = "" if name.startswith(("search", "ask")) else f"{(ask + p50) / base:.2f}"
        rows.append(
            [name, tokens, f"{p50:.1f}", f"{percentile(values, 0.95):.1f}", f"{p50 / base:.2f}", extra, len(values)]
        )
    return rows


HEADERS = ["kind", "tokens", "p50 ms", "p95 ms", "p50 / search cold p50", "(ask cold + it) / search cold", "calls"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lengths", default="256,384", help="joint input lengths in tokens, specials included")
    parser.add_argument("--passages", type=int, default=PASSAGES, help="passages a reader would read per ask")
    parser.add_argument("--threads", default="1", help="ONNX Runtime intra-op threads, one table each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "reader-cost.md")
    args = parser.parse_args(argv)
    lengths = [int(v) for v in args.lengths.split(",")]
    lines = ["# A joint read (question + passage per forward pass) next to search and ask (in-process, one run)", ""]
    for threads in (int(v) for v in args.threads.split(",")):
        encoder = load_encoder(threads=threads)
        with tempfile.TemporaryDirectory() as tmp:
            snapshot, note = corpus_index(Path(tmp), encoder)
            searcher = Searcher(snapshot, encoder, query_vectors=QueryVectors(capacity=100_000))
            rows = measure(encoder, searcher, args.runs, lengths, args.passages)
        lines += [f"## {threads} thread(s), bundled corpus ({note}); {getattr(encoder, 'runtime', encoder.id)}", ""]
        lines += [markdown_table(HEADERS, rows), ""]
        print("\n".join(lines[-4:]), flush=True)
    lines.append(
        "The issue's bar is cold ask p50 <= 1.3 x search cold p50; the last column is what ask would cost with "
        "the joint read added to it (the reader runs after search, on its top passages)."
    )
    write_report(args.out, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
