"""The staff pages (`/` search, `/documents/{doc_id}`, `/admin` to add files): static HTML driven by /static/*.js."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

STATIC_DIR = FsPath(__file__).resolve().parents[1] / "static"
HTML_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

router = APIRouter(tags=["pages"], include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html; charset=utf-8", headers=HTML_HEADERS)


@router.api_route("/", methods=["GET", "HEAD"])
async def search_page() -> FileResponse:
    """Ask in English or Spanish; read the cited answer and the ranked passages."""
    return _page("index.html")


@router.api_route("/admin", methods=["GET", "HEAD"])
async def admin_page() -> FileResponse:
    """Add communiqués: files in (admin key), one build, a row per file with what was read from it."""
    return _page("admin.html")


@router.api_route("/documents/{doc_id}", methods=["GET", "HEAD"])
async def document_page(doc_id: Annotated[str, Path(min_length=1, max_length=300)]) -> FileResponse:
    """One communiqué with numbered paragraphs; the page fetches /api/documents/{doc_id}."""
    return _page("document.html")
