"""A meeting named by its place in a question ("in Zacatecas", "la reunión de Oaxaca"), matched to header places.

Only the place a document's header gives (its `place` metadata) is matched, never its body: "Washington" or
"Mexico City" appear in most communiqués' text, but only one meeting's header is dated there. A country
("Mexico", "Estados Unidos") names no meeting. Both sides are folded (lower case, no accents), so "Mexico City",
"Ciudad de México" and "México, D.F." are one place, and "Washington, D.C." is "Washington"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from indexer.ingest.ordinals import deaccent, fold

_COUNTRIES = frozenset({"mexico", "estados unidos", "united states", "us", "usa", "eeuu", "ee uu", "u s"})
_CITY_NAMES = (("ciudad de mexico", "mexico city"), ("mexico d f", "mexico city"), ("mexico df", "mexico city"))
# the place follows a preposition or article ("in Zacatecas", "en Washington", "the Oaxaca meeting", "la de
# Zacatecas"): a place in another role ("What did Washington propose?") names no meeting
_CUE = r"(?:in|at|on|before|after|from|to|of|the|en|de|del|a|al|la|el|desde|tras)"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


@lru_cache(maxsize=4096)
def place_key(place: str) -> str:
    """A header place as the folded words that tell meetings apart: 'Oaxaca, Oaxaca.' -> 'oaxaca',
    'Washington, D.C.' -> 'washington', 'México, D.F.' -> 'mexico city'; '' for a country or no place."""
    whole = _words(place)
    for name, city in _CITY_NAMES:
        if whole.startswith(name):
            return city
    head = _words(place.split(",")[0])
    return "" if head in _COUNTRIES else head


def _query_words(query: str) -> str:
    text = f" {_words(query)} "
    for name, city in _CITY_NAMES:
        text = text.replace(f" {name} ", f" {city} ")
    return text


def named_places(query: str, keys: Iterable[str], context: Callable[[str], bool] | None = None) -> set[str]:
    """Of the places (`place_key`s of documents' headers), those the question names after a preposition or article.

    `context(words before the place)` says whether a mention sits in a clause about an earlier event ("el estudio
    iniciado en Zacatecas"), as for a date (indexer.retrieval.when.is_context): such a mention names no meeting."""
    asked = _query_words(query)
    named = {key for key in keys if key and re.search(rf" {_CUE} {re.escape(key)} ", asked)}
    if context is None:
        return named
    return {key for key in named if not all(context(query[:start]) for start in _mentions(query, key))}


def _mentions(query: str, key: str) -> list[int]:
    """Where the place `key` (or a name it stands for) starts in the query as written; accents are dropped
    length for length (indexer.ingest.ordinals.deaccent), so positions hold in the original text."""
    folded = deaccent(query).lower()
    names = [key] + [name for name, city in _CITY_NAMES if city == key]
    spellings = "|".join(r"[^a-z0-9]+".join(map(re.escape, name.split())) for name in names)
    return [m.start() for m in re.finditer(rf"(?<![a-z0-9])(?:{spellings})(?![a-z0-9])", folded)]
