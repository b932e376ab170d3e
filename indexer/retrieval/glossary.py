"""Bilingual glossary: expand lexical queries with the other language's names and acronyms.

Format (indexer/data/glossary.yaml): a list of entries, each `{en: [forms], es: [forms]}`;
forms are names of one concept (acronyms included). A form matches a query when its analyzed
tokens occur consecutively in the query analyzed with the form's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from indexer.index.analysis import analyze, term_spans
from indexer.types import LANGS

GLOSSARY_BOOST = 0.5  # a glossary term's weight in the lexical query, next to the query's own words (1.0)


@dataclass(frozen=True)
class Entry:
    forms: tuple[tuple[str, str], ...]  # (lang, surface form)


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return n > 0 and any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))


class Glossary:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._analyzed = [[(lang, form, analyze(form, lang)) for lang, form in e.forms] for e in entries]
        # entries by the first analyzed token of each form: a query only looks at entries it
        # could mention (every query pays this lookup, so it must not scan the whole glossary)
        self._by_first: dict[tuple[str, str], list[int]] = {}
        for i, forms in enumerate(self._analyzed):
            for lang, _, tokens in forms:
                if tokens:
                    self._by_first.setdefault((lang, tokens[0]), []).append(i)

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        text = (
            path.read_text("utf-8")
            if path
            else resources.files("indexer").joinpath("data/glossary.yaml").read_text("utf-8")
        )
        raw = yaml.safe_load(text) or []
        entries = []
        for item in raw:
            forms = tuple((lang, str(form)) for lang in LANGS for form in item.get(lang, []) or [])
            if forms:
                entries.append(Entry(forms))
        return cls(entries)

    def expand(self, query: str) -> list[tuple[str, str]]:
        """(form, lang) pairs to add: every other form of each entry the query mentions."""
        analyzed = {lang: analyze(query, lang) for lang in LANGS}
        candidates = {i for lang, toks in analyzed.items() for t in toks for i in self._by_first.get((lang, t), ())}
        out: list[tuple[str, str]] = []
        for forms in (self._analyzed[i] for i in sorted(candidates)):
            hit = [form for lang, form, tokens in forms if _contains(analyzed[lang], tokens)]
            if hit:
                out.extend((form, lang) for lang, form, _ in forms if form not in hit)
        return list(dict.fromkeys(out))

    def known_spans(self, query: str, lang: str, target: str) -> tuple[list[tuple[int, int]], list[str]]:
        """Where `query` (in `lang`) names a glossary entry: the character spans of those names,
        and the entries' `target`-language forms (query translation uses them instead of the
        translator's guess for acronyms and program names)."""
        spans = term_spans(query, lang)
        terms = [t for t, _, _ in spans]
        cut: list[tuple[int, int]] = []
        forms: list[str] = []
        for i in sorted({i for t in terms for i in self._by_first.get((lang, t), ())}):
            entry = self._analyzed[i]
            hit = False
            for form_lang, _, tokens in entry:
                n = len(tokens)
                if form_lang != lang or not n:
                    continue
                for j in range(len(terms) - n + 1):
                    if terms[j : j + n] == tokens:
                        cut.append((spans[j][1], spans[j + n - 1][2]))
                        hit = True
            if hit:
                forms.extend(form for form_lang, form, _ in entry if form_lang == target)
        return sorted(set(cut)), list(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.load()
