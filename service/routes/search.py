"""GET/POST /api/search: ranked passages with citations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from indexer.search import Searcher, SearchFilters
from service.deps import SearcherDep
from service.presenters import result_to_dict
from service.schemas import ErrorPublic, FiltersCreate, SearchCreate, SearchPublic

router = APIRouter(prefix="/api", tags=["search"])
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorPublic}, 503: {"model": ErrorPublic}}


def filters_from(body: FiltersCreate) -> SearchFilters:
    return SearchFilters(
        doc_lang=body.doc_lang,
        date_from=body.date_from.isoformat() if body.date_from else None,
        date_to=body.date_to.isoformat() if body.date_to else None,
        doc_ids=tuple(body.doc_ids) if body.doc_ids is not None else None,
    )


def run_search(searcher: Searcher, body: SearchCreate) -> dict[str, Any]:
    filters = filters_from(body)
    result = searcher.search(
        body.q, k=body.k, mode=body.mode, lang=body.lang, filters=filters, fusion_method=body.fusion
    )
    return result_to_dict(result)


@router.get("/search", response_model=SearchPublic, responses=ERRORS)
async def search_get(searcher: SearcherDep, params: Annotated[SearchCreate, Query()]) -> dict[str, Any]:
    """Search with query parameters, e.g. `/api/search?q=tarjetas+de+cruce&k=5&doc_lang=en`."""
    return await run_in_threadpool(run_search, searcher, params)


@router.post("/search", response_model=SearchPublic, responses=ERRORS)
async def search_post(searcher: SearcherDep, body: SearchCreate) -> dict[str, Any]:
    """Search with a JSON body of the same fields."""
    return await run_in_threadpool(run_search, searcher, body)
