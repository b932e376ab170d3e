"""The answer phrase of a cross-language quote: found in the sentence read in the asker's language (where the
question's words are, to anchor it) and carried over to the aligned sentence that is quoted."""

from __future__ import annotations

import re

from indexer.answers.answer_type import Phrase, fold, typed_phrases

_TOKEN = re.compile(r"\w+")


def _keys(text: str) -> set[str]:
    """The words that survive translation as they are: numbers and capitalised names."""
    return {fold(w) for w in _TOKEN.findall(text) if w[:1].isdigit() or w[:1].isupper()}


def project(found: Phrase, served: str, kind: str) -> Phrase | None:
    """`found` (a phrase of the reader sentence) in the served sentence: the same text where it recurs
    ("Manning", "1943"), else the served sentence's phrase of the asked type sharing most of its numbers and
    names ("September 30, 2002" -> "30 de septiembre de 2002"); None when nothing carries over."""
    at = served.find(found.text)
    while at >= 0:
        end = at + len(found.text)
        # whole words only: "US" is not inside "USA"
        if (at == 0 or not served[at - 1].isalnum()) and (end == len(served) or not served[end].isalnum()):
            return Phrase(at, end, found.text)
        at = served.find(found.text, at + 1)
    keys = _keys(found.text)
    best: tuple[int, int, Phrase] | None = None
    for p in typed_phrases(served, kind):
        shared = len(keys & {fold(w) for w in _TOKEN.findall(p.text)})
        # ties: the shorter phrase (the longer one usually adds words the reader phrase left out)
        if shared and (best is None or (shared, -len(p.text)) > best[:2]):
            best = (shared, -len(p.text), p)
    return best[2] if best else None


__all__ = ["project"]
