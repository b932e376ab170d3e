"""GET /api/documents: what is indexed, and what search can be filtered on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from service.deps import SearcherDep
from service.schemas import DocumentsPublic

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents", response_model=DocumentsPublic)
async def list_documents(searcher: SearcherDep) -> dict[str, Any]:
    snapshot = searcher.snapshot
    translations: dict[str, list[str]] = {}
    for doc in snapshot.documents.values():
        if doc.translation_of:
            translations.setdefault(doc.translation_of, []).append(doc.doc_id)
            translations.setdefault(doc.doc_id, []).append(doc.translation_of)
    docs = [
        {
            **doc.public(),
            "translations": sorted(translations.get(doc.doc_id, [])),
            "passages": len(snapshot.doc_rows.get(doc.doc_id, [])),
        }
        for doc in sorted(snapshot.documents.values(), key=lambda d: (d.date or "", d.doc_id))
    ]
    return {"index_version": snapshot.version, "documents": docs}
