"""Retrieval from a snapshot's Milvus collection, with the methods of the local indexes (indexer.index.backends).

BM25 runs in Milvus on the analyzed fields (indexer.index.milvus_schema); the query is combined as the local
index combines it: dis-max over the languages it is analyzed in, glossary expansions added at their boost.
Each part is searched to `limit` (or deeper: FETCH) and combined here, so a passage's score is the local one
wherever it is in every part's list. Ranking stays in the product."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.index.analysis import analyze, term_spans
from indexer.index.milvus_schema import DENSE, FIELDS, MT_DENSE, sparse

FILTER_SCORE = 1.0  # what the local index's document filter clause adds to every score (a constant-score Must)
FETCH = 2  # each part of a query is searched this many times deeper than asked: the sum needs its partners
MAX_LIMIT = 16_384  # Milvus's topk ceiling
PAGE = 1_000  # rows per read of whole vectors


def _in(field: str, values: Sequence[Any]) -> str:
    """A filter expression: `field` is one of `values` (JSON literals: quoted strings, integers)."""
    return f"{field} in {json.dumps(list(values))}"


def hit_row(hit: Any) -> int:
    """A search hit's row: its primary key, under "id" (or the key's own name, "pk", as some engines answer)."""
    return int(hit["id"] if "id" in hit else hit["pk"])


@dataclass(frozen=True)
class MilvusQuery:
    """Parts summed, each (weight, [(field, text)] whose best field counts)."""

    parts: tuple[tuple[float, tuple[tuple[str, str], ...]], ...]


class MilvusLexical:
    """BM25 over the passages' text (kind "text") or their translations (kind "mt")."""

    def __init__(self, client: Any, collection: str, kind: str = "text") -> None:
        self.client, self.collection, self.fields = client, collection, FIELDS[kind]

    def query(
        self, text: str, langs: Sequence[str], expansions: Sequence[tuple[str, str]] = (), expansion_boost: float = 0.5
    ) -> MilvusQuery | None:
        main = tuple((self.fields[lang], text) for lang in langs if analyze(text, lang))
        # the local index counts each expansion term once: one surface word per distinct analyzed term
        surface: dict[str, dict[str, str]] = {}
        for alt, lang in expansions:
            for term, start, end in term_spans(alt, lang):
                surface.setdefault(lang, {}).setdefault(term, alt[start:end])
        extra = tuple((self.fields[lang], " ".join(words.values())) for lang, words in surface.items() if words)
        parts = tuple(p for p in ((1.0, main), (expansion_boost, extra)) if p[1])
        return MilvusQuery(parts) if parts else None

    def search_field(self, field: str, text: str, limit: int, expr: str) -> dict[int, float]:
        """One analyzed field's BM25 top-`limit` rows (row -> score) for `text` under the filter `expr`."""
        hits = self.client.search(
            self.collection,
            data=[text],
            anns_field=sparse(field),
            limit=limit,
            filter=expr,
            search_params={"metric_type": "BM25", "params": {"drop_ratio_search": 0.0}},
        )
        return {hit_row(h): float(h["distance"]) for h in hits[0]}

    def run(
        self, query: MilvusQuery | None, limit: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        if query is None or limit <= 0 or (doc_ids is not None and not doc_ids):
            return []
        expr = _in("doc_id", doc_ids) if doc_ids is not None else ""
        deep = min(limit if len(query.parts) == 1 else limit * FETCH, MAX_LIMIT)
        total: dict[int, float] = {}
        for weight, fields in query.parts:
            best: dict[int, float] = {}
            for field, text in fields:
                for row, score in self.search_field(field, text, deep, expr).items():
                    best[row] = max(best.get(row, 0.0), score)
            for row, score in best.items():
                total[row] = total.get(row, 0.0) + weight * score
        if doc_ids is not None:
            total = {row: score + FILTER_SCORE for row, score in total.items()}
        return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


class MilvusVectors:
    """Inner product against the passages' vectors (DENSE) or their translations' (MT_DENSE)."""

    def __init__(self, client: Any, collection: str, rows: int, field: str = DENSE) -> None:
        if field not in (DENSE, MT_DENSE):
            raise ValueError(f"not a vector field: {field}")
        self.client, self.collection, self.rows, self.field = client, collection, rows, field

    @property
    def size(self) -> int:
        return self.rows

    def search(self, query: np.ndarray, limit: int, rows: Sequence[int] | None = None) -> list[tuple[int, float]]:
        if self.rows == 0 or limit <= 0 or (rows is not None and len(rows) == 0):
            return []
        hits = self.client.search(
            self.collection,
            data=[np.asarray(query, dtype=np.float32).reshape(-1).tolist()],
            anns_field=self.field,
            limit=min(limit, self.rows, MAX_LIMIT),
            filter=_in("pk", [int(r) for r in rows]) if rows is not None else "",
            search_params={"metric_type": "IP"},
        )
        return [(hit_row(h), float(h["distance"])) for h in hits[0]]

    def score_rows(self, query: np.ndarray, rows: Sequence[int]) -> dict[int, float]:
        if not rows:
            return {}
        found = self.client.get(self.collection, ids=[int(r) for r in rows], output_fields=[self.field])
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        return {int(r["pk"]): float(np.asarray(r[self.field], dtype=np.float32) @ q) for r in found}

    def vectors(self) -> np.ndarray:
        """Every vector, in row order (read in pages of PAGE rows)."""
        out: list[np.ndarray] = []
        for start in range(0, self.rows, PAGE):
            got = self.client.get(self.collection, ids=list(range(start, min(start + PAGE, self.rows))))
            got.sort(key=lambda r: int(r["pk"]))
            out.append(np.asarray([r[self.field] for r in got], dtype=np.float32))
        return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)
