"""FastAPI application factory; the lifespan loads the encoder and the current snapshot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from indexer.encoders import Encoder
from service.config import Settings
from service.engine import Engine
from service.errors import install_error_handlers
from service.routes import ask, documents, health, passages, search


def create_app(settings: Settings | None = None, encoder: Encoder | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = Engine(settings, encoder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(engine.start)
        yield

    app = FastAPI(
        title="bnc-search",
        summary="Bilingual (English/Spanish) search over U.S.-Mexico Binational Commission communiqués",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    install_error_handlers(app)
    for module in (search, ask, passages, documents, health):
        app.include_router(module.router)
    return app
