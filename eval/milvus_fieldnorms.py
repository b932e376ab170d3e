"""Measurement: the Milvus backend's BM25 candidates rescored as tantivy scores them (one-byte field lengths).

Usage: python -m eval.milvus_fieldnorms [bnc eval options] --backend milvus

Runs `bnc eval` with every Milvus BM25 search (indexer.index.milvus_search) rescored in this process:
the same candidates, each scored with tantivy's BM25 (k1 1.2, b 0.75, idf ln(1 + (N - df + 0.5) / (df + 0.5)),
average length = all tokens / documents) but with the candidate's length read through tantivy's field-norm
table (exact up to 40 tokens, then buckets). Statistics and token counts come from every row of the
collection, analyzed here once: a measurement of what exact parity with the local backend would take,
not a serving path (it holds a forward index of the whole collection in memory). eval/README.md has the numbers.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from typing import Any

import numpy as np

from eval.parser import add_eval_parser
from indexer.index import milvus_search
from indexer.index.analysis import analyze

K1, B = 1.2, 0.75
QUERY_LIMIT = 16_384  # rows per read of the collection (Milvus's query ceiling)


def field_norms() -> np.ndarray:
    """tantivy's FIELD_NORMS_TABLE: lengths 0-40 exact, then 8 buckets per step, the step doubling from 2."""
    table, value, step = list(range(41)), 40, 2
    while len(table) < 256:
        for _ in range(min(8, 256 - len(table))):
            value += step
            table.append(value)
        step *= 2
    return np.asarray(table, dtype=np.int64)


TABLE = field_norms()


def quantized(length: int) -> int:
    """The length tantivy scores with: the largest table entry not above it."""
    return int(TABLE[np.searchsorted(TABLE, length, side="right") - 1])


class FieldStats:
    """One analyzed field of a collection: documents, average length, document frequencies, each row's tokens."""

    def __init__(self, client: Any, collection: str, field: str) -> None:
        lang = field[-2:]
        self.tokens: dict[int, tuple[Counter[str], int]] = {}
        self.df: Counter[str] = Counter()
        total, start = 0, 0
        while True:  # rows are keyed 0..n-1 (milvus_write): read them in ranges of keys
            expr = f"pk >= {start} and pk < {start + QUERY_LIMIT}"
            page = client.query(collection, filter=expr, output_fields=["pk", field], limit=QUERY_LIMIT)
            if not page:
                break
            for r in page:
                terms = analyze(r[field], lang) if r[field] else []
                self.tokens[int(r["pk"])] = (Counter(terms), len(terms))
                self.df.update(set(terms))
                total += len(terms)
            start += QUERY_LIMIT
        self.n = len(self.tokens)
        self.avg = total / max(1, self.n)

    def score(self, row: int, terms: list[str]) -> float:
        tf, length = self.tokens[row]
        norm = K1 * (1 - B + B * quantized(length) / self.avg)
        out = 0.0
        for term in terms:
            f = tf.get(term, 0)
            if f:
                df = self.df[term]
                out += math.log(1 + (self.n - df + 0.5) / (df + 0.5)) * f * (K1 + 1) / (f + norm)
        return out


_STATS: dict[tuple[str, str], FieldStats] = {}
_MILVUS_SEARCH = milvus_search.MilvusLexical.search_field


def rescored(self: milvus_search.MilvusLexical, field: str, text: str, limit: int, expr: str) -> dict[int, float]:
    """Milvus's candidates for one field, scored as tantivy scores them."""
    found = _MILVUS_SEARCH(self, field, text, limit, expr)
    key = (self.collection, field)
    if key not in _STATS:
        _STATS[key] = FieldStats(self.client, self.collection, field)
    terms = analyze(text, field[-2:])
    return {row: _STATS[key].score(row, terms) for row in found}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.milvus_fieldnorms")
    add_eval_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eval", *(sys.argv[1:] if argv is None else argv)])
    if getattr(args, "backend", "local") != "milvus":
        parser.error("this measures the Milvus backend: add --backend milvus")
    milvus_search.MilvusLexical.search_field = rescored  # type: ignore[method-assign]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
