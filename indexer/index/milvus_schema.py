"""A Milvus collection holding one snapshot's passages: analyzed text per language, translations, vectors, filters.

Rows are keyed by the snapshot's passage row (`pk`), so a collection belongs to one published version
(`collection_name`); the snapshot's manifest names it. The analyzer chains repeat indexer.index.analysis's
(simple tokenizer, tokens under 40 bytes, lowercase, stop list, ASCII folding, Snowball stemmer), with the
stop lists given explicitly (indexer/data/stopwords.json: the words tantivy's lists remove): milvus-lite 2.5
ignores its built-in `_spanish_` list."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from indexer.index.analysis import ANALYZERS
from indexer.types import LANGS

TEXT_MAX = 65_535  # VARCHAR bytes; a passage is split well below this
FIELDS = {
    "text": {lang: f"text_{lang}" for lang in LANGS},  # every passage under both analyzers, as in tantivy
    "mt": {lang: f"mt_{lang}" for lang in LANGS},  # a passage's translation into `lang` ("" when none)
}


def sparse(field: str) -> str:
    """The BM25 sparse vector Milvus derives from an analyzed text field."""
    return f"{field}_bm25"


DENSE, MT_DENSE = "dense", "mt_dense"


def collection_name(version: str) -> str:
    """The collection of one published version (Milvus names: letters, digits, underscores)."""
    return "bnc_" + "".join(c if c.isalnum() else "_" for c in version)


@cache
def stopwords() -> dict[str, list[str]]:
    return dict(json.loads(resources.files("indexer").joinpath("data/stopwords.json").read_text(encoding="utf-8")))


def analyzer_params(lang: str) -> dict[str, Any]:
    """indexer.index.analysis's chain for `lang` in Milvus's terms, in the same order."""
    cfg = ANALYZERS[lang]
    filters: list[Any] = [{"type": "length", "max": int(cfg["remove_long"]) - 1}, "lowercase"]
    if cfg.get("stopwords"):
        filters.append({"type": "stop", "stop_words": stopwords()[lang]})
    if cfg.get("ascii_fold"):
        filters.append("asciifolding")
    if cfg.get("stemmer"):
        filters.append({"type": "stemmer", "language": cfg["stemmer"]})
    return {"tokenizer": "standard", "filter": filters}


def create_collection(client: Any, name: str, dim: int) -> None:
    """An empty collection for passages with `dim`-dimensional vectors (FLAT inner product: exact, as
    the local index is up to 20,000 passages)."""
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("pid", DataType.VARCHAR, max_length=512)
    schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
    schema.add_field("lang", DataType.VARCHAR, max_length=8)
    schema.add_field("date", DataType.VARCHAR, max_length=32)  # ISO date or "": ranges compare as strings
    index_params = client.prepare_index_params()
    for kind in ("text", "mt"):
        for lang, field in FIELDS[kind].items():
            params = analyzer_params(lang)
            schema.add_field(field, DataType.VARCHAR, max_length=TEXT_MAX, enable_analyzer=True, analyzer_params=params)
            schema.add_field(sparse(field), DataType.SPARSE_FLOAT_VECTOR)
            schema.add_function(
                Function(
                    f"{field}_fn", FunctionType.BM25, input_field_names=[field], output_field_names=[sparse(field)]
                )
            )
            index_params.add_index(sparse(field), index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    for field in (DENSE, MT_DENSE):
        schema.add_field(field, DataType.FLOAT_VECTOR, dim=dim)
        index_params.add_index(field, index_type="FLAT", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=index_params)
