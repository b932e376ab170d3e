"""Translation pairing on short documents: XQuAD paragraphs as documents of one, two or three paragraphs.

Each article's paragraphs are cut into consecutive chunks of n (1, 2, 3); a chunk is one
document per language. Scenarios: `twins` (both versions of every chunk: recall), `no_twins`
(each chunk in one language only, alternating as in eval xquad-single: every link is wrong),
`half` (English all, Spanish of even chunks only). Dates withheld (`undated`: candidates by
mean-vector similarity), or every document of an article dated the same day (`same_day`: a
meeting's notes, the same-date pool is tried whole). Split by article, kept: dev = articles
0-23 (choices made there), test = 24-47 (reported). Sentences (`measure_sentences`): Tatoeba's
lines as one-sentence documents, the same scenarios; dev = lines 1-500, test = 501-1000. Run by
`python -m eval.pairing`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from eval.datasets.tatoeba import load_tatoeba
from eval.datasets.xquad import paragraphs_by_article
from indexer.index.pairing import detect_links
from indexer.ingest.splitter import split_document
from indexer.types import Document, Passage

SPLITS = {"dev": range(0, 24), "test": range(24, 48)}
SENTENCE_SPLITS = {"dev": range(1, 501), "test": range(501, 1001)}
SIZES = (1, 2, 3)

Encode = Callable[[list[str]], np.ndarray]
Translate = Callable[[list[Passage]], dict[str, str] | None]  # passage id -> machine translation (doc_mt)


def _no_translations(_passages: list[Passage]) -> dict[str, str] | None:
    return None


def chunk_documents(root: Path, n: int) -> list[Document]:
    """Both languages' documents of n consecutive paragraphs, id xquad-<lang>-<article>-c<n>-<chunk>."""
    docs = []
    for lang in ("en", "es"):
        for article, paragraphs in sorted(paragraphs_by_article(root, lang).items()):
            for k in range(0, len(paragraphs), n):
                body = "\n\n".join(paragraphs[k : k + n])
                sha = hashlib.sha256(body.encode()).hexdigest()
                meta = {"article": str(article), "chunk": str(k // n)}
                doc_id = f"xquad-{lang}-{article:02d}-c{n}-{k // n:02d}"
                docs.append(Document(doc_id, lang, "", body, sha256=sha, meta=meta))
    return docs


def _scenario(docs: list[Document], name: str) -> list[Document]:
    if name == "twins":
        return docs
    if name == "no_twins":  # article + chunk even: English only, odd: Spanish only
        parity = {d.doc_id: (int(d.meta["article"]) + int(d.meta["chunk"])) % 2 for d in docs}
        return [d for d in docs if (d.lang == "en") == (parity[d.doc_id] == 0)]
    return [d for d in docs if d.lang == "en" or int(d.meta["chunk"]) % 2 == 0]  # half


def _dated(docs: list[Document], dates: str) -> list[Document]:
    if dates == "undated":
        return docs
    day = {d.doc_id: int(d.meta["article"]) for d in docs}  # one meeting day per article
    return [replace(d, date=f"2020-{1 + day[d.doc_id] // 28:02d}-{1 + day[d.doc_id] % 28:02d}") for d in docs]


def run_one(
    docs: list[Document], passages: list[Passage], vectors: np.ndarray, translations: dict[str, str] | None = None
) -> dict[str, Any]:
    keep = {d.doc_id for d in docs}
    rows = [i for i, p in enumerate(passages) if p.doc_id in keep]
    t = time.perf_counter()
    lookup = translations.get if translations is not None else None
    links = detect_links(docs, [passages[i] for i in rows], vectors[rows], set(), translations=lookup)
    seconds = time.perf_counter() - t
    truth = {d.doc_id for d in docs if d.lang == "en" and d.doc_id.replace("-en-", "-es-") in keep}
    correct = [x for x in links if x.a.replace("-en-", "-es-") == x.b]
    wrong = [(x.a, x.b, x.score) for x in links if x.a.replace("-en-", "-es-") != x.b]
    return {
        "documents": len(docs),
        "true_pairs": len(truth),
        "links": len(links),
        "correct": len(correct),
        "wrong": len(wrong),
        "precision": round(len(correct) / len(links), 4) if links else 1.0,
        "recall": round(len(correct) / len(truth), 4) if truth else 1.0,
        "wrong_examples": wrong[:3],
        "seconds": round(seconds, 2),
    }


def measure_short(
    root: Path,
    encode: Encode,
    splits: tuple[str, ...] = ("dev", "test"),
    translate: Translate = _no_translations,
) -> dict[str, Any]:
    """{split: {n: {scenario/dates: result}}} over every size, scenario and date variant."""
    out: dict[str, Any] = {}
    for n in SIZES:
        docs = chunk_documents(root, n)
        passages = [p for d in docs for p in split_document(d)]
        vectors = encode([p.text for p in passages])
        translations = translate(passages)
        for split in splits:
            articles = SPLITS[split]
            part = [d for d in docs if int(d.meta["article"]) in articles]
            for scenario in ("twins", "no_twins", "half"):
                for dates in ("undated", "same_day"):
                    result = run_one(_dated(_scenario(part, scenario), dates), passages, vectors, translations)
                    out.setdefault(split, {}).setdefault(f"{n}-paragraph", {})[f"{scenario}/{dates}"] = result
    return out


def measure_sentences(
    root: Path,
    encode: Encode,
    splits: tuple[str, ...] = ("dev", "test"),
    translate: Translate = _no_translations,
) -> dict[str, Any]:
    """{split: {"1-sentence": {scenario: result}}}: Tatoeba lines as documents, undated (no meeting to share)."""
    docs = []
    for d in load_tatoeba(root).documents:
        line = int(d.doc_id.rsplit("-", 1)[1])
        docs.append(replace(d, title="", meta={"article": str(line), "chunk": "0", "line": str(line)}))
    passages = [p for d in docs for p in split_document(d)]
    vectors = encode([p.text for p in passages])
    translations = translate(passages)
    out: dict[str, Any] = {}
    for split in splits:
        part = [d for d in docs if int(d.meta["line"]) in SENTENCE_SPLITS[split]]
        for scenario in ("twins", "no_twins", "half"):
            # `half` keeps the Spanish of even lines (its chunk parity is the line's here)
            chosen = (
                _scenario(part, scenario)
                if scenario != "half"
                else [d for d in part if d.lang == "en" or int(d.meta["line"]) % 2 == 0]
            )
            out.setdefault(split, {}).setdefault("1-sentence", {})[f"{scenario}/undated"] = run_one(
                chosen, passages, vectors, translations
            )
    return out


def table(report: dict[str, Any]) -> str:
    """Markdown: one row per split, size and scenario."""
    lines = ["| split | size | scenario | docs | true | links | wrong | precision | recall | s |", "|" + "---|" * 10]
    for split, sizes in report.items():
        for size, scenarios in sizes.items():
            for name, r in scenarios.items():
                lines.append(
                    f"| {split} | {size} | {name} | {r['documents']} | {r['true_pairs']} | {r['links']} | {r['wrong']} "
                    f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['seconds']} |"
                )
    return "\n".join(lines)
