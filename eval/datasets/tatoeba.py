"""Tatoeba spa-eng bitext matching: find each sentence's translation among 1,000 (encoder sanity check)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.ingest.readers import normalize_text
from indexer.types import Document

FILES = {"en": "tatoeba.spa-eng.eng", "es": "tatoeba.spa-eng.spa"}


def read_lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None
    return [normalize_text(line).strip() for line in text.splitlines() if line.strip()]


DEV_LINES = 500  # lines 1-500 are the dev split, 501-1000 test


def load_tatoeba(root: Path) -> LabeledSet:
    """Sentence i in one language is the only relevant document for sentence i in the other."""
    lines = {lang: read_lines(root / "tatoeba-spa-eng" / name) for lang, name in FILES.items()}
    if len(lines["en"]) != len(lines["es"]):
        raise DatasetError(f"Tatoeba files are not parallel: {len(lines['en'])} and {len(lines['es'])} lines")
    documents: list[Document] = []
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    for i, (en, es) in enumerate(zip(lines["en"], lines["es"], strict=True), start=1):
        ids = {lang: f"tatoeba-{lang}-{i:04d}" for lang in FILES}
        for lang, text in (("en", en), ("es", es)):
            documents.append(
                Document(
                    doc_id=ids[lang],
                    lang=lang,
                    title=f"Tatoeba sentence {i} ({lang})",
                    body=text,
                    source="Tatoeba (CC BY 2.0 FR), LASER test set",
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
            qid = f"{lang}-{i:04d}"
            queries.append(Query(qid, text, lang, "dev" if i <= DEV_LINES else "test"))
            other = "es" if lang == "en" else "en"
            qrels[qid] = {ids[other]: 1}
    return LabeledSet(
        name="tatoeba",
        documents=documents,
        queries=queries,
        level="document",
        doc_qrels=qrels,
        directions=("en-es", "es-en"),
        notes=[
            "bitext matching: cross-language directions only (a query is its own twin in its own language)",
            "no translation_of links: the pairing is the label, so the encoder alone must find it",
        ],
    )
