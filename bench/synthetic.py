"""Synthetic corpora for benchmarks: real sentences recombined, vectors derived from real encodings.

Encoding 100k passages here would take about 5 hours (about 6 passages/s on 2 cores), and 1M
about 2 days, so synthetic passages get vectors derived from real encoder vectors of real
paragraphs (the bundled corpus and XQuAD en/es). Each synthetic paragraph is made of 3-6 real
sentences of one language, most of them from one "topic" paragraph; its vector is the mean of
the real vectors of the paragraphs its sentences come from, plus Gaussian noise, renormalized.
Text and vector therefore agree on topic, term statistics are those of real text, and neighbours
are not trivially separable. Retrieval *cost* does not depend on where vectors come from;
retrieval *quality* on such vectors means nothing, and no benchmark reports it (ANN recall is
measured against exact search on the same vectors, which is meaningful).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.datasets.xquad import read_squad
from indexer.encoders import Encoder, Progress
from indexer.index.build import split_all
from indexer.index.embcache import EmbeddingCache, encode_with_cache
from indexer.ingest.corpus import load_corpus
from indexer.ingest.readers import document_from_text
from indexer.ingest.splitter import sentence_spans
from indexer.types import Document

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
PER_DOC = 20  # paragraphs per synthetic document, about a communiqué's length
MAX_WORDS = 170  # below the splitter's limit, so a paragraph stays one passage
NOISE = 0.02  # per dimension; noise norm about 0.4 against a unit signal
_REF = re.compile(r"\(ref (\d+)\)$")


def parse_size(text: str) -> int:
    """'10k' -> 10000, '1M' -> 1000000, '2500' -> 2500."""
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if mult > 1 else text) * mult)


def base_documents() -> list[Document]:
    """Real text: the bundled corpus plus every XQuAD paragraph in English and Spanish."""
    docs = list(load_corpus(ROOT / "corpus").documents)
    for lang in ("en", "es"):
        for p in read_squad(DATASETS / "xquad" / f"xquad.{lang}.json"):
            meta = {"doc_id": f"xquad-{lang}-{p.article}-{p.index}", "lang": lang, "title": p.title}
            sha = hashlib.sha256(p.context.encode()).hexdigest()
            docs.append(document_from_text(p.context, meta, fallback_id="x", sha256=sha))
    return docs


@dataclass
class Base:
    """Real paragraphs, their real vectors, and their sentences by language."""

    langs: list[str]
    vectors: np.ndarray
    sentences: dict[str, list[tuple[int, str, int]]]  # lang -> (paragraph, sentence, words)


def load_base(encoder: Encoder, cache_path: Path, progress: Progress | None = None) -> Base:
    """Encode the real paragraphs once (about 90 s here); later runs read the cache."""
    seed = ROOT / "eval" / "results" / "cache" / "xquad-index" / "cache" / "embeddings.sqlite"
    if not cache_path.exists() and seed.exists():
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, cache_path)  # the eval run already encoded XQuAD
    passages = [p for p in split_all(base_documents()) if p.ordinal > 0]
    cache = EmbeddingCache(cache_path)
    try:
        vectors, _ = encode_with_cache(encoder, [p.text for p in passages], cache, progress)
    finally:
        cache.close()
    sentences: dict[str, list[tuple[int, str, int]]] = {"en": [], "es": []}
    for i, p in enumerate(passages):
        for s, e in sentence_spans(p.text, p.lang):
            text = p.text[s:e].replace("\n", " ")
            words = len(text.split())
            if 6 <= words <= 60:
                sentences[p.lang].append((i, text, words))
    return Base([p.lang for p in passages], vectors, sentences)


class SyntheticCorpus:
    """`n` paragraphs in documents of PER_DOC; paragraph g's recipe is its source paragraphs."""

    def __init__(self, base: Base, n_passages: int, seed: int = 0, noise: float = NOISE) -> None:
        self.base = base
        self.noise = noise
        self.seed = seed
        rng = np.random.default_rng(seed)
        n_docs = max(1, n_passages // PER_DOC)
        self.sources: list[list[int]] = []
        self.documents: list[Document] = []
        by_para: dict[str, dict[int, list[int]]] = {}
        for lang, sents in base.sentences.items():
            for j, (para, _, _) in enumerate(sents):
                by_para.setdefault(lang, {}).setdefault(para, []).append(j)
        topics = {lang: sorted(paras) for lang, paras in by_para.items()}
        for d in range(n_docs):
            lang = "en" if d % 2 == 0 else "es"
            sents = base.sentences[lang]
            paras = []
            for _ in range(PER_DOC):
                g = len(self.sources)
                topic = topics[lang][rng.integers(len(topics[lang]))]
                own = by_para[lang][topic]
                picks = [own[i] for i in rng.permutation(len(own))[: rng.integers(2, 4)]]
                picks += [int(i) for i in rng.integers(0, len(sents), rng.integers(1, 4))]
                chosen: list[int] = []
                words = 0
                for j in picks:
                    if words + sents[j][2] <= MAX_WORDS or not chosen:
                        chosen.append(j)
                        words += sents[j][2]
                self.sources.append([sents[j][0] for j in chosen])
                paras.append(" ".join(sents[j][1] for j in chosen) + f" (ref {g})")
            body = "\n\n".join(paras)
            meta = {"doc_id": f"synthetic-{d:06d}", "lang": lang, "title": f"Synthetic {d}", "date": "2001-01-01"}
            sha = hashlib.sha256(body.encode()).hexdigest()
            self.documents.append(document_from_text(body, meta, fallback_id="s", sha256=sha))

    def vectors_for(self, texts: Sequence[str]) -> np.ndarray:
        """Derived vectors: mean of the source paragraphs' real vectors, plus seeded noise."""
        dim = self.base.vectors.shape[1]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, text in enumerate(texts):
            m = _REF.search(text)
            if m:
                g = int(m.group(1))
                sig = self.base.vectors[self.sources[g]].mean(axis=0)
            else:  # a title block: one real vector chosen by the text
                g = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
                sig = self.base.vectors[g % len(self.base.vectors)]
            noise = np.asarray(np.random.default_rng((self.seed, g)).normal(0, self.noise, dim), dtype=np.float32)
            v = sig + noise
            out[i] = v / np.linalg.norm(v)
        return out


class DerivedEncoder:
    """Stands in for the real encoder when indexing a synthetic corpus: passage vectors are
    derived (see SyntheticCorpus.vectors_for); queries are encoded for real by `real`. It keeps
    the real encoder's id so the index opens with the real encoder for serving."""

    def __init__(self, real: Encoder, corpus: SyntheticCorpus) -> None:
        self.real = real
        self.corpus = corpus
        self.id = real.id
        self.dim = real.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.real.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = 4096
        for i in range(0, len(texts), step):
            out[i : i + step] = self.corpus.vectors_for(texts[i : i + step])
            if progress:
                progress(min(step, len(texts) - i))
        return out
