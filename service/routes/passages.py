"""GET /api/passages/{id}: one passage with its citation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from indexer.retrieval.citations import cite
from service.deps import SearcherDep
from service.errors import ApiError
from service.openapi import SERVICE_CODES, error_responses
from service.schemas import PassagePublic

router = APIRouter(prefix="/api", tags=["passages"])


@router.get(
    "/passages/{passage_id}",
    response_model=PassagePublic,
    responses=error_responses("passage_not_found", "invalid_parameter", *SERVICE_CODES),
)
async def get_passage(
    searcher: SearcherDep, passage_id: Annotated[str, Path(min_length=1, max_length=300)]
) -> dict[str, Any]:
    snapshot = searcher.snapshot
    row = snapshot.rows.get(passage_id)
    if row is None:
        raise ApiError("passage_not_found", "passage_id", passage_id=passage_id, version=snapshot.version)
    passage = snapshot.passages[row]
    doc = snapshot.documents[passage.doc_id]
    return {**passage.to_dict(), "citation": cite(doc, passage).to_dict(), "index_version": snapshot.version}
