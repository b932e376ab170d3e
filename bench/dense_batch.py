"""Whether encoding the query and its translation as one batch of 2 cuts what the opt-in dense side costs.

The opt-in dense side (FusionConfig.dense_translation = "full") encodes the query's full Apertium
translation as a second query, a second encoder call. This times, per query and interleaved (the
machine's noise then hits all three alike): the query alone, the query then its translation (two
calls, today's path), and both in one call of 2. Prints p50/p95 and the added cost over the query
alone, paired per query.

Usage: python -m bench.dense_batch [--n 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.queries import query_set
from bench.table import markdown_table, percentile
from indexer.encoders import load_encoder
from indexer.retrieval.querylang import detect_query_lang
from indexer.retrieval.querytrans import other_lang
from indexer.translate import Translator


def _ms(encode: Callable[[list[str]], object], texts: list[str]) -> float:
    t0 = time.perf_counter()
    encode(texts)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="distinct queries (commission, then XQuAD)")
    args = parser.parse_args()
    translator = Translator()
    if not translator.available():
        raise SystemExit("Apertium is not installed: nothing to measure (.ci/apertium-setup.sh)")
    encoder = load_encoder()
    pairs = []
    for q in query_set(args.n):
        lang = detect_query_lang(q).lang
        translation = translator.translate(q, lang, other_lang(lang), "full")
        if translation is not None and translation.text:
            pairs.append((q, translation.text))
    translator.close()
    encoder.encode_queries(["warm up the session"])
    times: dict[str, list[float]] = {"query alone": [], "query, then translation (2 calls)": [], "one batch of 2": []}
    for q, t in pairs:
        encode = encoder.encode_queries
        times["query alone"].append(_ms(encode, [q]))
        times["query, then translation (2 calls)"].append(_ms(encode, [q]) + _ms(encode, [t]))
        times["one batch of 2"].append(_ms(encode, [q, t]))
    alone = times["query alone"]
    rows = []
    for name, values in times.items():
        added = [v - a for v, a in zip(values, alone, strict=True)]
        rows.append(
            [
                name,
                f"{statistics.median(values):.2f}",
                f"{percentile(values, 0.95):.2f}",
                f"{statistics.median(added):.2f}",
                f"{percentile(added, 0.95):.2f}",
                len(values),
            ]
        )
    head = ["encoding", "p50 ms", "p95 ms", "added p50 ms (paired)", "added p95 ms", "queries"]
    print(markdown_table(head, rows))


if __name__ == "__main__":
    main()
