"""GET /api/passages/{id}: one passage with its citation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path

from indexer.retrieval.citations import cite
from service.deps import SearcherDep
from service.schemas import ErrorPublic, PassagePublic

router = APIRouter(prefix="/api", tags=["passages"])


@router.get("/passages/{passage_id}", response_model=PassagePublic, responses={404: {"model": ErrorPublic}})
async def get_passage(
    searcher: SearcherDep, passage_id: Annotated[str, Path(min_length=1, max_length=300)]
) -> dict[str, Any]:
    snapshot = searcher.snapshot
    row = snapshot.rows.get(passage_id)
    if row is None:
        raise HTTPException(404, f"no passage {passage_id!r} in index version {snapshot.version}")
    passage = snapshot.passages[row]
    doc = snapshot.documents[passage.doc_id]
    return {**passage.to_dict(), "citation": cite(doc, passage).to_dict(), "index_version": snapshot.version}
