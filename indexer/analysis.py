"""Language analyzers (tokenize, lowercase, stopwords, accent folding, Snowball stemming)."""

from __future__ import annotations

from functools import cache
from typing import Any

import tantivy

# Stored in every manifest: a snapshot built with other settings is rebuilt, not misread.
ANALYZERS: dict[str, dict[str, Any]] = {
    "en": {"tokenizer": "simple", "stopwords": "english", "stemmer": "english", "ascii_fold": True, "remove_long": 40},
    "es": {"tokenizer": "simple", "stopwords": "spanish", "stemmer": "spanish", "ascii_fold": True, "remove_long": 40},
}


def analyzer_name(lang: str) -> str:
    return f"bnc_{lang}"


@cache
def build_analyzer(lang: str) -> tantivy.TextAnalyzer:
    """Stopwords are removed before folding (the lists are accented); stemming comes last."""
    cfg = ANALYZERS[lang]
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(cfg["remove_long"]))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword(cfg["stopwords"]))
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer(cfg["stemmer"]))
        .build()
    )


def analyze(text: str, lang: str) -> list[str]:
    return list(build_analyzer(lang).analyze(text))


def term_spans(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(term, char_start, char_end) for each token that survives analysis."""
    tokens = build_analyzer(lang).pre_tokenize(text).tokens
    return [(t.text, t.char_offset_from, t.char_offset_to) for t in tokens]


def register_analyzers(index: tantivy.Index) -> None:
    """Tantivy does not persist custom analyzers: every open index must register them again."""
    for lang in ANALYZERS:
        index.register_tokenizer(analyzer_name(lang), build_analyzer(lang))
