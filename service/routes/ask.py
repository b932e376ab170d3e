"""POST /api/ask: the quoted sentence that answers, with its citation and its twin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from indexer.answer import Answerer
from service.deps import EngineDep
from service.presenters import answer_to_dict
from service.routes.search import filters_from
from service.schemas import AnswerPublic, AskCreate, ErrorPublic

router = APIRouter(prefix="/api", tags=["ask"])


def run_ask(answerer: Answerer, body: AskCreate) -> dict[str, Any]:
    answer = answerer.ask(body.q, lang=body.lang, filters=filters_from(body), k=body.k)
    return answer_to_dict(answer)


@router.post("/ask", response_model=AnswerPublic, responses={422: {"model": ErrorPublic}, 503: {"model": ErrorPublic}})
async def ask(engine: EngineDep, body: AskCreate) -> dict[str, Any]:
    """Answer a question with an exact quote; below the confidence threshold, says so."""
    return await run_in_threadpool(run_ask, engine.answerer(), body)
