"""The staff pages (`/` search, `/documents/{doc_id}`, `/admin` to add files): static HTML driven by /static/*.js."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from service.deps import EngineDep

STATIC_DIR = FsPath(__file__).resolve().parents[1] / "static"
HTML_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

router = APIRouter(tags=["pages"], include_in_schema=False)


def _page(name: str, status_code: int = 200) -> FileResponse:
    return FileResponse(
        STATIC_DIR / name, status_code=status_code, media_type="text/html; charset=utf-8", headers=HTML_HEADERS
    )


@router.api_route("/", methods=["GET", "HEAD"])
async def search_page() -> FileResponse:
    """Ask in English or Spanish; read the cited answer and the ranked passages."""
    return _page("index.html")


@router.api_route("/admin", methods=["GET", "HEAD"])
async def admin_page() -> FileResponse:
    """Add communiqués: files in (admin key), one build, a row per file with what was read from it."""
    return _page("admin.html")


@router.api_route("/documents/{doc_id}", methods=["GET", "HEAD"])
async def document_page(engine: EngineDep, doc_id: Annotated[str, Path(min_length=1, max_length=300)]) -> FileResponse:
    """One communiqué with numbered paragraphs; the page fetches /api/documents/{doc_id}.

    A document the served index does not hold is a 404 (the page still explains it); before an
    index is loaded the page is served as is and says what the API says."""
    if engine.ready and doc_id not in engine.searcher().snapshot.documents:
        return _page("document.html", status_code=404)
    return _page("document.html")
