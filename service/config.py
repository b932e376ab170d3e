"""Settings from the environment (BNC_*) with safe defaults; read once per app or command."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BNC_", extra="ignore")

    index: Path = Path("index")
    corpus: Path = Path("corpus")
    encoder: str = "e5-small"  # indexer.encoders.load_encoder specs
    verify_checksums: bool = True
    reload_interval_s: float = 1.0  # how often the watcher thread checks CURRENT for a newer snapshot
    log_level: str = "info"
    keep_snapshots: int = 2  # current + previous; readers of the previous one can finish
    api_keys: str = ""  # comma-separated admin keys (header X-API-Key); none = admin routes off
    api_keys_file: Path | None = None  # one key per line; read at start
    watch_debounce_ms: int = 2000  # --watch: rebuild once changes have settled this long
    reconcile_on_start: bool = True  # on start, build if the corpus differs from the served snapshot
    cors_origins: str = ""  # comma-separated browser origins allowed to call the API; empty = CORS off
    # what builds add for cross-language search: "vectors" = each passage's Apertium translation (BM25)
    # and its vector (one more encoding per passage), "bm25" = the translation only, "off" = neither
    # (the cheapest bulk build of a large archive; query-side translation still works)
    doc_translation: Literal["vectors", "bm25", "off"] = "vectors"
    ocr_cache: Path | None = None  # scanned pages already read (default: <index>/cache/ocr.sqlite)
    # where BM25 and vectors are searched: "local" = the snapshot's tantivy and FAISS indexes, "milvus" = the
    # snapshot's collection in Milvus at milvus_uri (a server's http URI, or a file for the embedded milvus-lite)
    backend: Literal["local", "milvus"] = "local"
    milvus_uri: str = ""

    @model_validator(mode="after")
    def _milvus_needs_a_uri(self) -> Settings:
        if self.backend == "milvus" and not self.milvus_uri:
            raise ValueError("the milvus backend needs a URI: --milvus-uri or BNC_MILVUS_URI")
        return self

    @property
    def milvus(self) -> str | None:
        """The Milvus URI builds write to and searches read from; None with the local backend."""
        return self.milvus_uri if self.backend == "milvus" else None

    @property
    def doc_mt(self) -> bool:
        """doc_translation as build_index's `doc_mt` switch."""
        return self.doc_translation != "off"

    @property
    def doc_mt_vectors(self) -> bool:
        """doc_translation as build_index's `doc_mt_vectors` switch."""
        return self.doc_translation == "vectors"

    @property
    def ocr_cache_path(self) -> Path:
        return self.ocr_cache or self.index / "cache" / "ocr.sqlite"

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]
