"""GET /api/documents: what is indexed, and what search can be filtered on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.deps import SearcherDep
from service.openapi import SERVICE_CODES, error_responses
from service.schemas import DocumentsPublic

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents", response_model=DocumentsPublic, responses=error_responses(*SERVICE_CODES))
async def list_documents(searcher: SearcherDep) -> dict[str, Any]:
    snapshot = searcher.snapshot
    docs = [
        {
            **doc.public(),
            # given (translation_of) and detected links alike (indexer.pairing)
            "translations": sorted(snapshot.doc_twins.get(doc.doc_id, set())),
            "passages": len(snapshot.doc_rows.get(doc.doc_id, [])),
            "superseded_by": snapshot.superseded_by.get(doc.doc_id),
            "supersedes": snapshot.supersedes.get(doc.doc_id),
        }
        for doc in sorted(snapshot.documents.values(), key=lambda d: (d.date or "", d.doc_id))
    ]
    return {"index_version": snapshot.version, "documents": docs}
