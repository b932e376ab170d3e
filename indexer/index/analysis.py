"""Language analyzers (tokenize, lowercase, stopwords, accent folding, Snowball stemming)."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import tantivy

# Stored in every manifest: a snapshot built with other settings is rebuilt, not misread.
ANALYZERS: dict[str, dict[str, Any]] = {
    "en": {"tokenizer": "simple", "stopwords": "english", "stemmer": "english", "ascii_fold": True, "remove_long": 40},
    "es": {"tokenizer": "simple", "stopwords": "spanish", "stemmer": "spanish", "ascii_fold": True, "remove_long": 40},
}


def analyzer_name(lang: str) -> str:
    return f"bnc_{lang}"


_TOKENIZERS = {"simple": tantivy.Tokenizer.simple}


@cache
def build_analyzer(lang: str) -> tantivy.TextAnalyzer:
    """The chain ANALYZERS records, in this order: stopwords before folding (the lists are accented), stemming last."""
    cfg = ANALYZERS[lang]
    builder = tantivy.TextAnalyzerBuilder(_TOKENIZERS[cfg["tokenizer"]]())
    builder = builder.filter(tantivy.Filter.remove_long(cfg["remove_long"])).filter(tantivy.Filter.lowercase())
    if cfg.get("stopwords"):
        builder = builder.filter(tantivy.Filter.stopword(cfg["stopwords"]))
    if cfg.get("ascii_fold"):
        builder = builder.filter(tantivy.Filter.ascii_fold())
    if cfg.get("stemmer"):
        builder = builder.filter(tantivy.Filter.stemmer(cfg["stemmer"]))
    return builder.build()


def analyze(text: str, lang: str) -> list[str]:
    return list(build_analyzer(lang).analyze(text))


@lru_cache(maxsize=512)  # a passage is highlighted again whenever it is a hit; tokenizing it costs tens of microseconds
def term_spans(text: str, lang: str) -> tuple[tuple[str, int, int], ...]:
    """(term, char_start, char_end) for each token that survives analysis."""
    tokens = build_analyzer(lang).pre_tokenize(text).tokens
    return tuple((t.text, t.char_offset_from, t.char_offset_to) for t in tokens)


def register_analyzers(index: tantivy.Index) -> None:
    """Tantivy does not persist custom analyzers: every open index must register them again."""
    for lang in ANALYZERS:
        index.register_tokenizer(analyzer_name(lang), build_analyzer(lang))
