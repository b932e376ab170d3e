"""GET /api/documents/{doc_id}: one communiqué, whole, with its numbered passages for the document view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel

from indexer.index.snapshot import IndexSnapshot
from indexer.retrieval.citations import citation_label
from service.deps import SearcherDep
from service.errors import ApiError
from service.openapi import SERVICE_CODES, error_responses
from service.schemas import DocumentBase

router = APIRouter(prefix="/api", tags=["documents"])


class ViewPassagePublic(BaseModel):
    passage_id: str
    ordinal: int
    section: str
    char_start: int
    char_end: int
    text: str
    label: str
    twins: list[str]


class TranslationPublic(BaseModel):
    doc_id: str
    lang: str
    title: str


class OriginPublic(BaseModel):
    """Where one field's value came from: given (front matter, sidecar, form), the file's own
    metadata (a page's title or date), or detected from the text with a confidence in [0, 1]."""

    origin: str
    confidence: float | None = None


class DocumentViewPublic(DocumentBase):
    index_version: str
    origins: dict[str, OriginPublic]
    warnings: list[str]
    translations: list[TranslationPublic]
    body: str
    passages: list[ViewPassagePublic]


def document_view(snapshot: IndexSnapshot, doc_id: str) -> dict[str, Any]:
    """The document, its translations and its passages in body order, each with its twins' ids."""
    doc = snapshot.documents.get(doc_id)
    if doc is None:
        raise ApiError("document_not_found", "doc_id", doc_id=doc_id, version=snapshot.version)
    rows = sorted(snapshot.doc_rows.get(doc_id, []), key=snapshot.passages.char_start)
    passages = []
    for row in rows:
        p = snapshot.passages[row]
        twins = [snapshot.passages.passage_ids[t] for t in snapshot.twins.get(row, [])]
        passages.append({**p.to_dict(), "label": citation_label(doc, p.ordinal), "twins": twins})
    translations = [
        {"doc_id": other.doc_id, "lang": other.lang, "title": other.title}
        for other in (snapshot.documents[t] for t in sorted(snapshot.doc_twins.get(doc_id, set())))
    ]
    origins = {}
    for key, value in doc.meta.items():
        if key.startswith("origin_"):
            origin, _, conf = value.partition(" ")  # "detected 0.95", "given", "file name"
            numeric = conf.replace(".", "", 1).isdigit()
            origins[key.removeprefix("origin_")] = {
                "origin": origin if numeric else value,
                "confidence": float(conf) if numeric else None,
            }
    return {
        **doc.public(),
        "index_version": snapshot.version,
        "origins": origins,
        "warnings": [w for w in doc.meta.get("intake_warnings", "").split("; ") if w],
        "translations": translations,
        "body": snapshot.document(doc_id).body,
        "passages": passages,
    }


@router.get(
    "/documents/{doc_id}",
    response_model=DocumentViewPublic,
    responses=error_responses("document_not_found", "invalid_parameter", *SERVICE_CODES),
)
async def get_document(
    searcher: SearcherDep, doc_id: Annotated[str, Path(min_length=1, max_length=300)]
) -> dict[str, Any]:
    """The whole communiqué: body, metadata, translations, and passages with ordinals and offsets."""
    return document_view(searcher.snapshot, doc_id)
