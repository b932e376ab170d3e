"""/docs (Swagger UI) and /redoc (ReDoc) from bundles shipped in the fastapi-offline package: no CDN, no network."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

# Swagger UI (Apache-2.0) and ReDoc (MIT) as fastapi-offline (MIT) ships them
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS_URL = "/docs-assets"
HTML_HEADERS = {"Cache-Control": "no-cache"}
# ReDoc's "API docs by Redocly" badge loads its logo from Redocly's CDN: served here with our own icon instead
REDOC_URL = "/docs-local/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

router = APIRouter(include_in_schema=False)

# no inline script: the pages start their viewer from a same-origin file, so the page's CSP holds
_SWAGGER = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>bnc-search API · Swagger UI</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
</head>
<body>
  <main id="swagger-ui" data-openapi="/openapi.json"></main>
  <script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
  <script src="/static/swagger-init.js"></script>
</body>
</html>
"""
_REDOC = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>bnc-search API · ReDoc</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
  <main id="redoc" data-openapi="/openapi.json"></main>
  <script src="{REDOC_URL}"></script>
  <script src="/static/redoc-init.js"></script>
</body>
</html>
"""


@cache
def _redoc_bundle() -> bytes:
    text = (ASSETS_DIR / "redoc.standalone.js").read_text("utf-8")
    return text.replace(REDOC_CDN_LOGO, "/static/favicon.svg").encode()


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)


@router.get("/docs")
@router.head("/docs")
async def swagger_ui() -> HTMLResponse:
    """Try every route from the browser."""
    return HTMLResponse(_SWAGGER, headers=HTML_HEADERS)


@router.get(REDOC_URL)
async def redoc_bundle() -> Response:
    """The ReDoc bundle with nothing in it that loads from another host."""
    return Response(_redoc_bundle(), media_type="text/javascript; charset=utf-8")


@router.get("/redoc")
@router.head("/redoc")
async def redoc() -> HTMLResponse:
    """The API reference as one readable page."""
    return HTMLResponse(_REDOC, headers=HTML_HEADERS)
