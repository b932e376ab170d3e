"""FastAPI dependencies as Annotated aliases: every piece of app state is reached through one of these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from indexer.retrieval.search import Searcher
from service.builds import BuildRunner
from service.config import Settings
from service.engine import Engine
from service.observability import Metrics
from service.writes import DocumentWrites

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


async def get_builds(request: Request) -> BuildRunner:
    builds: BuildRunner = request.app.state.builds
    return builds


async def get_writes(request: Request) -> DocumentWrites:
    writes: DocumentWrites = request.app.state.writes
    return writes


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
BuildsDep = Annotated[BuildRunner, Depends(get_builds)]
WritesDep = Annotated[DocumentWrites, Depends(get_writes)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
