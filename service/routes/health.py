"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from indexer.encoders import runtime_of
from service.deps import EngineDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(engine: EngineDep) -> JSONResponse | dict[str, Any]:
    """Ready when a snapshot is loaded; 503 with the reason otherwise."""
    if not engine.ready:
        return JSONResponse(
            status_code=503, content={"status": "not ready", "detail": engine.last_error or "no index loaded"}
        )
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
