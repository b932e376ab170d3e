"""FastAPI application factory; the lifespan loads the encoder and the current snapshot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from indexer.encoders import Encoder
from indexer.ingest.corpus_files import CorpusStore
from service.auth import load_api_keys
from service.builds import BuildRunner
from service.config import Settings
from service.engine import Engine
from service.errors import install_error_handlers
from service.indexing import built_from, corpus_catalog
from service.limits import BodyLimitMiddleware
from service.observability import Metrics, RequestContextMiddleware
from service.openapi import install_openapi
from service.routes import admin, api_docs, ask, document_view, documents, export, health, pages, passages, search
from service.routes import metrics as metrics_route
from service.security import SecurityHeadersMiddleware
from service.supervisor import watch_supervisor
from service.writes import DocumentWrites

GZIP_MIN_BYTES = 1000
log = logging.getLogger("bnc.app")


def create_app(settings: Settings | None = None, encoder: Encoder | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = Engine(settings, encoder)
    metrics = Metrics()
    catalog = corpus_catalog(settings)
    builds = BuildRunner(engine, catalog, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watch_supervisor()  # only in a worker of `serve --workers N`
        await run_in_threadpool(engine.start)
        recorded = built_from(settings.index)
        if settings.reconcile_on_start and settings.corpus.is_dir() and recorded in (None, settings.corpus.resolve()):
            # a write acknowledged before a crash may not be indexed yet: one build compares the
            # corpus with the served snapshot and publishes only if they differ
            builds.request()
        elif settings.reconcile_on_start and recorded is not None:
            log.error("not reconciling: the index was built from %s, not from %s", recorded, settings.corpus)
        yield
        await run_in_threadpool(engine.stop)

    app = FastAPI(
        title="bnc-search",
        summary="Bilingual (English/Spanish) search over U.S.-Mexico Binational Commission communiqués",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served offline by service.routes.api_docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.metrics = metrics
    app.state.builds = builds
    app.state.writes = DocumentWrites(CorpusStore(settings.corpus, catalog), builds)
    app.state.api_keys = load_api_keys(settings)
    install_error_handlers(app)
    install_openapi(app)
    for module in (search, export, ask, passages, documents, document_view, admin, health, pages):
        app.include_router(module.router)
    app.include_router(metrics_route.router)
    app.include_router(api_docs.router)
    app.mount(api_docs.ASSETS_URL, api_docs.assets(), name="docs-assets")
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origin_list, allow_methods=["GET", "POST"], allow_headers=["*"]
        )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    # outermost: replies over ~1 KB go gzipped to clients that accept it (a 20-hit search is ~70 KB as JSON)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=5)
    return app
