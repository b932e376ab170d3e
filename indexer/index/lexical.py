"""BM25 over a tantivy inverted index with one analyzed field per language."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import tantivy

from indexer.index.analysis import ANALYZERS, analyze, analyzer_name, register_analyzers
from indexer.types import Passage

WRITER_HEAP = 64_000_000
LEXICAL_FORMAT = {"engine": "tantivy", "key": "pid", "fields": ["pid", "doc_id", "text_en", "text_es"]}


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    # passages are keyed by passage_id, not by row: an incremental update keeps old segments
    sb.add_text_field("pid", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("doc_id", stored=False, tokenizer_name="raw", index_option="basic")
    for lang in ANALYZERS:
        # every passage is indexed under both analyzers: names and acronyms then match
        # across languages, and a query analyzed either way sees the whole collection
        sb.add_text_field(f"text_{lang}", stored=False, tokenizer_name=analyzer_name(lang))
    return sb.build()


def _add(writer: tantivy.IndexWriter, passages: Iterable[Passage]) -> None:
    for passage in passages:
        doc = tantivy.Document()
        doc.add_text("pid", passage.passage_id)
        doc.add_text("doc_id", passage.doc_id)
        for lang in ANALYZERS:
            doc.add_text(f"text_{lang}", passage.text)
        writer.add_document(doc)


def build_lexical(passages: Sequence[Passage], path: Path) -> None:
    """Write a fresh index of `passages` at `path`."""
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(path))
    register_analyzers(index)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    _add(writer, passages)
    writer.commit()
    writer.wait_merging_threads()


def _derive(previous: Path, path: Path) -> tantivy.IndexWriter:
    """A writer on a new index derived from `previous` without touching it: its immutable segment
    files hard-linked, meta.json copied."""
    path.mkdir(parents=True, exist_ok=True)
    for src in previous.iterdir():
        if src.is_file() and not src.name.startswith("."):
            os.link(src, path / src.name)
    os.replace(path / "meta.json", path / "meta.json.tmp")  # tantivy rewrites meta.json: give it its own copy
    shutil.copyfile(path / "meta.json.tmp", path / "meta.json")
    os.remove(path / "meta.json.tmp")
    index = tantivy.Index.open(str(path))
    register_analyzers(index)
    return index.writer(heap_size=WRITER_HEAP, num_threads=1)


def extend_lexical(previous: Path, path: Path, add: Sequence[Passage]) -> None:
    """Derive a new index from `previous` without touching it: hard-link its immutable segment
    files, then add passages in a new segment (scores stay identical to a full build)."""
    writer = _derive(previous, path)
    _add(writer, add)
    writer.commit()
    writer.wait_merging_threads()


def _add_translated(writer: tantivy.IndexWriter, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        doc = tantivy.Document()
        doc.add_text("pid", str(row["pid"]))
        doc.add_text("doc_id", str(row["doc_id"]))
        doc.add_text(f"text_{row['lang']}", str(row["text"]))  # only the target language's analyzer
        writer.add_document(doc)


def build_translated(rows: Sequence[Mapping[str, Any]], path: Path) -> None:
    """An index of passages' machine translations (indexer.index.doc_mt rows: pid, doc_id, lang, text),
    each under the analyzer of the language it was translated into; read with LexicalIndex."""
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_schema(), path=str(path))
    register_analyzers(index)
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    _add_translated(writer, rows)
    writer.commit()
    writer.wait_merging_threads()


def extend_translated(previous: Path, path: Path, add: Sequence[Mapping[str, Any]]) -> None:
    """`build_translated`'s index derived from `previous` plus `add`, as `extend_lexical` does."""
    writer = _derive(previous, path)
    _add_translated(writer, add)
    writer.commit()
    writer.wait_merging_threads()


class LexicalIndex:
    """Read side: BM25 top-N rows for a query analyzed with one or both analyzers."""

    def __init__(self, path: Path, rows: dict[str, int]) -> None:
        self.rows = rows
        self.index = tantivy.Index.open(str(path))
        register_analyzers(self.index)
        self.index.reload()
        self.searcher = self.index.searcher()
        self.schema = self.index.schema

    def query_terms(self, text: str, langs: Iterable[str]) -> dict[str, list[str]]:
        return {lang: analyze(text, lang) for lang in langs}

    def _field_query(self, terms: Sequence[str], lang: str) -> tantivy.Query:
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f"text_{lang}", t)) for t in terms]
        return tantivy.Query.boolean_query(clauses)

    def query(
        self,
        text: str,
        langs: Sequence[str],
        expansions: Sequence[tuple[str, str]] = (),
        expansion_boost: float = 0.5,
    ) -> tantivy.Query | None:
        """The BM25 query for `text` (None when nothing survives analysis); `expansions` are
        (text, lang) alternatives, e.g. glossary terms, weighted by `expansion_boost`."""
        per_field = [self._field_query(terms, lang) for lang, terms in self.query_terms(text, langs).items() if terms]
        extra_terms: dict[str, list[str]] = {}
        for alt, lang in expansions:
            extra_terms.setdefault(lang, []).extend(analyze(alt, lang))
        extra = [self._field_query(list(dict.fromkeys(t)), lang) for lang, t in extra_terms.items() if t]
        if not per_field and not extra:
            return None
        # dis-max: a passage's score is its best analysis, so two analyzers never double-count
        parts: list[tantivy.Query] = []
        if per_field:
            parts.append(per_field[0] if len(per_field) == 1 else tantivy.Query.disjunction_max_query(per_field))
        if extra:
            alt_query = extra[0] if len(extra) == 1 else tantivy.Query.disjunction_max_query(extra)
            parts.append(tantivy.Query.boost_query(alt_query, expansion_boost))
        return parts[0] if len(parts) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in parts])

    def run(
        self, query: tantivy.Query | None, limit: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[int, float]]:
        """BM25 top `limit` rows for a query from `query`, optionally within `doc_ids`."""
        if query is None:
            return []
        if doc_ids is not None:
            if not doc_ids:
                return []
            allowed = tantivy.Query.term_set_query(self.schema, "doc_id", list(doc_ids))
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, allowed)])
        result = self.searcher.search(query, limit)
        out = []
        for score, address in result.hits:
            row = self.rows.get(self.searcher.doc(address)["pid"][0])
            if row is not None:
                out.append((row, float(score)))
        return out
