"""POST /api/ask: the quoted sentence that answers, with its citation and its twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from service.deps import EngineDep
from service.queries import run_ask
from service.schemas import AnswerPublic, AskCreate, ErrorPublic

router = APIRouter(prefix="/api", tags=["ask"])


@router.post("/ask", response_model=AnswerPublic, responses={422: {"model": ErrorPublic}, 503: {"model": ErrorPublic}})
async def ask(engine: EngineDep, body: AskCreate) -> dict[str, Any]:
    """Answer a question with an exact quote; below the confidence threshold, says so."""
    return await run_in_threadpool(run_ask, engine.answerer(), body)
