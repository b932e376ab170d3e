"""GET /metrics in Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.deps import EngineDep, MetricsDep
from service.openapi import error_responses

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=Response, include_in_schema=True, responses=error_responses())
async def metrics(m: MetricsDep, engine: EngineDep) -> Response:
    """Request counts and latency per route, served index version and size, build durations."""
    if engine.ready:
        snapshot = engine.searcher().snapshot
        m.index_info.clear()
        m.index_info.labels(snapshot.version).set(1)
        m.documents.set(len(snapshot.documents))
        m.passages.set(len(snapshot.passages))
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
