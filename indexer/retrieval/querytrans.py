"""The query in the other language: glossary forms for the names it knows, Apertium for the rest."""

from __future__ import annotations

from indexer.retrieval.glossary import Glossary
from indexer.translate import Translation, Translator


def other_lang(lang: str) -> str:
    return "es" if lang == "en" else "en"


def translate_query(
    query: str,
    source: str,
    target: str,
    translator: Translator,
    glossary: Glossary | None = None,
    kind: str = "lexical",
) -> Translation | None:
    """The query in `target`; None when the translator is unavailable or failed.

    The glossary takes precedence: the names it knows (acronyms, program names) are cut out of
    the text the translator sees, and their `target` forms are added as they are."""
    if not translator.available():
        return None
    spans, forms = glossary.known_spans(query, source, target) if glossary else ([], [])
    rest, last = [], 0
    for start, end in spans:
        if start >= last:
            rest.append(query[last:start])
            last = end
    rest.append(query[last:])
    text = " ".join(part.strip() for part in rest if part.strip())
    translated = translator.translate(text, source, target, kind) if text else Translation(source, target, "", 1.0)
    if translated is None:
        return None
    if not forms:
        return translated
    joined = " ".join([translated.text, *forms]).strip()
    return Translation(source, target, joined, translated.known, tuple(forms))
