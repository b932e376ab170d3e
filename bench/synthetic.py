"""Synthetic corpora for benchmarks: real sentences recombined, vectors from real encodings plus noise.

Encoding 10k+ passages here would take hours (about 6 passages/s on 2 cores), so synthetic
passages get vectors derived from real encoder vectors of real passages: the nearest real
vector, plus Gaussian noise, renormalized. Retrieval cost does not depend on where vectors
come from; retrieval quality on such vectors means nothing, and no benchmark reports it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from indexer.build import split_all
from indexer.embcache import EmbeddingCache, encode_with_cache, text_key
from indexer.encoders import Encoder
from indexer.readers import document_from_text
from indexer.splitter import sentence_spans
from indexer.types import Document


def real_sentences(docs: list[Document]) -> list[tuple[str, str]]:
    out = []
    for doc in docs:
        for s, e in sentence_spans(doc.body, doc.lang):
            text = doc.body[s:e].replace("\n", " ")
            if len(text.split()) >= 6:
                out.append((doc.lang, text))
    return out


def synthetic_documents(base: list[Document], n_passages: int, per_doc: int = 20, seed: int = 0) -> list[Document]:
    """Documents of `per_doc` paragraphs, each of 3-6 real sentences of one language."""
    rng = np.random.default_rng(seed)
    sentences = real_sentences(base)
    by_lang = {lang: [t for lg, t in sentences if lg == lang] for lang in ("en", "es")}
    docs = []
    for d in range(max(1, n_passages // per_doc)):
        lang = "en" if d % 2 == 0 else "es"
        pool = by_lang[lang]
        paras = [" ".join(pool[i] for i in rng.integers(0, len(pool), rng.integers(3, 7))) for _ in range(per_doc)]
        body = "\n\n".join(f"{p} (ref {d}-{j})" for j, p in enumerate(paras))
        meta = {"doc_id": f"synthetic-{d:06d}", "lang": lang, "title": f"Synthetic {d}", "date": "2001-01-01"}
        docs.append(document_from_text(body, meta, fallback_id="s", sha256=hashlib.sha256(body.encode()).hexdigest()))
    return docs


def seed_vectors(
    docs: list[Document], base: list[Document], encoder: Encoder, cache_path: Path, noise: float = 0.05, seed: int = 0
) -> None:
    """Put derived vectors for every synthetic passage into the embedding cache."""
    rng = np.random.default_rng(seed)
    real_passages = split_all(base)
    real, _ = encode_with_cache(encoder, [p.text for p in real_passages], EmbeddingCache(cache_path))
    cache = EmbeddingCache(cache_path)
    batch: dict[str, np.ndarray] = {}
    for p in split_all(docs):
        v = real[rng.integers(0, len(real))] + rng.normal(0, noise, real.shape[1]).astype(np.float32)
        batch[text_key(p.text)] = (v / np.linalg.norm(v)).astype(np.float32)
        if len(batch) >= 5000:
            cache.put_many(encoder.id, batch)
            batch = {}
    cache.put_many(encoder.id, batch)
    cache.close()
