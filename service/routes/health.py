"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from indexer.encoders import runtime_of
from service.deps import EngineDep
from service.error_codes import error_body
from service.errors import request_lang
from service.openapi import error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", responses=error_responses())
@router.head("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses=error_responses("index_not_ready"))
@router.head("/readyz", response_model=None, include_in_schema=False)
async def readyz(engine: EngineDep, request: Request) -> JSONResponse | dict[str, Any]:
    """Ready when a snapshot is loaded; 503 `index_not_ready` with the reason otherwise."""
    if not engine.ready:
        reason = {"reason": engine.last_error or "no index loaded"}
        body = error_body("index_not_ready", await request_lang(request), None, reason)
        return JSONResponse(status_code=503, content={"status": "not ready", **body})
    searcher = engine.searcher()
    return {
        "status": "ready",
        "index_version": searcher.version,
        "documents": len(searcher.snapshot.documents),
        "passages": len(searcher.snapshot.passages),
        "encoder": searcher.snapshot.encoder_id,  # the vector space; the runtime computes the query vectors
        "encoder_runtime": runtime_of(searcher.encoder),
        "degraded": engine.degraded,  # e.g. CURRENT is garbage and an older snapshot serves
    }
