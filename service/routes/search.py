"""GET/POST /api/search: ranked passages with citations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from service.deps import SearcherDep
from service.openapi import QUERY_CODES, SERVICE_CODES, error_responses
from service.queries import run_search
from service.schemas import SearchCreate, SearchPublic, SearchQuery

router = APIRouter(prefix="/api", tags=["search"])
ERRORS = error_responses(*QUERY_CODES, "page_out_of_range", "payload_too_large", *SERVICE_CODES)


@router.get("/search", response_model=SearchPublic, responses=ERRORS)
async def search_get(searcher: SearcherDep, params: Annotated[SearchQuery, Query()]) -> dict[str, Any]:
    """Search with query parameters, e.g. `/api/search?q=tarjetas+de+cruce&k=5&doc_lang=en`."""
    return await run_in_threadpool(run_search, searcher, params)


@router.post("/search", response_model=SearchPublic, responses=ERRORS)
async def search_post(searcher: SearcherDep, body: SearchCreate) -> dict[str, Any]:
    """Search with a JSON body of the same fields."""
    return await run_in_threadpool(run_search, searcher, body)
