"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from indexer.search import Searcher
from service.config import Settings
from service.engine import Engine

# async: these only read attributes, and a sync dependency would cost a threadpool hop per request


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_searcher(engine: Annotated[Engine, Depends(get_engine)]) -> Searcher:
    # resolved once per request: the whole request runs on this snapshot even if a swap happens
    return engine.searcher()


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
