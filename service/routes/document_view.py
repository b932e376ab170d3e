"""GET /api/documents/{doc_id}: one communiqué, whole, with its numbered passages for the document view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from indexer.index.pair_evidence import link_evidence
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
    evidence: str = Field("", description="what the link rests on: given, or the alignment, dates and meeting")


class VersionPublic(BaseModel):
    """One version of a revised document (indexer.index.revisions), oldest first."""

    doc_id: str
    title: str
    date: str | None
    latest: bool = Field(description="the version search shows by default")
    similarity: float | None = Field(description="shingle similarity to the previous version; None when given")
    how: str | None = Field(description='"given" (supersedes: in its metadata) or "detected"; None for the first')


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
    superseded_by: str | None = Field(None, description="the next newer version, when this one was revised")
    excerpt_of: str | None = Field(None, description="the fuller document this one's text is contained in")
    excerpts: list[str] = Field([], description="documents whose text is contained in this one")
    latest_version: str = Field(description="doc_id of the latest version (this one when never revised)")
    versions: list[VersionPublic] = Field(description="every version of this text, oldest first; empty if only one")
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
        {"doc_id": other.doc_id, "lang": other.lang, "title": other.title, "evidence": link_evidence(snapshot, doc_id)}
        for other in (snapshot.documents[t] for t in sorted(snapshot.doc_twins.get(doc_id, set())))
    ]
    excerpts = {r.old: r.new for r in snapshot.revisions if r.how == "excerpt"}
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
        "excerpt_of": excerpts.get(doc_id),
        "excerpts": sorted(e for e, full in excerpts.items() if full == doc_id),
        **versions_of(snapshot, doc_id),
        "body": snapshot.document(doc_id).body,
        "passages": passages,
    }


def versions_of(snapshot: IndexSnapshot, doc_id: str) -> dict[str, Any]:
    """The chain of versions `doc_id` belongs to, oldest first, and which one is the latest."""
    oldest, seen = doc_id, {doc_id}
    while oldest in snapshot.supersedes and snapshot.supersedes[oldest] not in seen:
        oldest = snapshot.supersedes[oldest]
        seen.add(oldest)
    links = {r.new: r for r in snapshot.revisions}
    chain, cur = [oldest], oldest
    while cur in snapshot.superseded_by and snapshot.superseded_by[cur] not in chain:
        cur = snapshot.superseded_by[cur]
        chain.append(cur)
    versions = []
    for i, vid in enumerate(chain):
        doc, link = snapshot.documents[vid], links.get(vid)
        versions.append(
            {
                "doc_id": vid,
                "title": doc.title,
                "date": doc.date,
                "latest": i == len(chain) - 1,
                "similarity": link.similarity if link and i else None,
                "how": link.how if link and i else None,
            }
        )
    return {
        "superseded_by": snapshot.superseded_by.get(doc_id),
        "latest_version": chain[-1],
        "versions": versions if len(chain) > 1 else [],
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
