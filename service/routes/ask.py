"""POST /api/ask: the quoted sentence that answers, with its citation and its twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from service.deps import EngineDep
from service.openapi import QUERY_CODES, SERVICE_CODES, error_responses
from service.queries import run_ask
from service.schemas import AnswerPublic, AskCreate

router = APIRouter(prefix="/api", tags=["ask"])


ERRORS = error_responses(*QUERY_CODES, "payload_too_large", *SERVICE_CODES)


@router.post("/ask", response_model=AnswerPublic, responses=ERRORS)
async def ask(engine: EngineDep, body: AskCreate) -> dict[str, Any]:
    """Answer a question with an exact quote, graded: answer, likely (check the passage), or not found."""
    return await run_in_threadpool(run_ask, engine.answerer(), body)
