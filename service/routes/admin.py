"""Admin routes (X-API-Key): add, replace and delete documents, reindex, index status."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from indexer.corpus_files import delete_document, find_document, save_document, valid_doc_id
from indexer.readers import SUPPORTED_SUFFIXES, DocumentError
from indexer.types import Document
from service.auth import AdminDep
from service.builds import BuildRunner
from service.deps import EngineDep
from service.engine import Engine
from service.schemas import DocumentCreate, ErrorPublic

router = APIRouter(prefix="/api", tags=["admin"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
WAIT_TIMEOUT_S = 300.0
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorPublic} for code in (401, 403, 404, 409, 413, 415, 422)}
UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": DocumentCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        **{
                            f: {"type": "string"}
                            for f in ("title", "lang", "date", "doc_id", "source_url", "translation_of")
                        },
                    },
                }
            },
        },
        "required": True,
    }
}
DocId = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Wait = Annotated[bool, Query(description="block until the new index version is published")]


def _runner(request: Request) -> BuildRunner:
    runner: BuildRunner = request.app.state.builds
    return runner


async def _read_upload(request: Request) -> tuple[bytes, str, dict[str, Any]]:
    """(file bytes, file name, metadata) from a multipart upload or a JSON body."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=20)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(422, "the form needs a `file` field holding the document")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        name = upload.filename or ""
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix not in SUPPORTED_SUFFIXES:
            raise HTTPException(
                415, f"file type {suffix or '(none)'} is not accepted; use {', '.join(SUPPORTED_SUFFIXES)}"
            )
        meta = {k: v for k, v in form.items() if k != "file" and isinstance(v, str) and v.strip()}
        return data, name, meta
    if ctype.startswith("application/json"):
        raw = await request.body()
        if len(raw) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        try:
            body = DocumentCreate.model_validate(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise HTTPException(422, "the body is not valid JSON") from None
        except ValidationError as exc:
            msgs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise HTTPException(422, msgs) from None
        return body.text.encode(), "document.md", body.model_dump(mode="json", exclude={"text"}, exclude_none=True)
    raise HTTPException(415, "send multipart/form-data with a `file`, or application/json with `text`")


async def _publish(request: Request, wait: bool, doc: Document | None, action: str) -> JSONResponse:
    runner = _runner(request)
    job = runner.request()
    content: dict[str, Any] = {"action": action, "job": job, "follow": "/api/index"}
    if doc is not None:
        content.update(doc_id=doc.doc_id, lang=doc.lang, title=doc.title, path=doc.path)
    if wait:
        if not await run_in_threadpool(runner.wait, job, WAIT_TIMEOUT_S):
            return JSONResponse(status_code=202, content={**content, "detail": "build still running"})
        status = runner.status()
        if status["last_error"]:
            return JSONResponse(status_code=500, content={**content, "detail": f"build failed: {status['last_error']}"})
        content["index_version"] = request.app.state.engine.searcher().version
        return JSONResponse(status_code=201 if action == "added" else 200, content=content)
    return JSONResponse(status_code=202, content={**content, "detail": "indexing in the background"})


async def _existing(engine: Engine, doc_id: str) -> Document:
    found = await run_in_threadpool(find_document, engine.settings.corpus, doc_id)
    if found is None:
        raise HTTPException(404, f"no document {doc_id!r} in the corpus")
    return found


@router.post("/documents", responses=ERRORS, openapi_extra=UPLOAD_BODY, status_code=202)
async def add_document(request: Request, engine: EngineDep, _: AdminDep, wait: Wait = False) -> JSONResponse:
    """Add a communiqué (.md/.txt/.html/.pdf upload, or JSON with `text`); it is indexed and published."""
    data, name, meta = await _read_upload(request)
    corpus = engine.settings.corpus
    wanted = meta.get("doc_id")
    if wanted and not valid_doc_id(str(wanted)):
        raise HTTPException(422, "doc_id: use lowercase letters, digits and '-' (at most 120)")
    try:
        existing = await run_in_threadpool(find_document, corpus, str(wanted)) if wanted else None
        if existing:
            raise HTTPException(409, f"document {wanted!r} exists; use PUT /api/documents/{wanted} to replace it")
        doc = await run_in_threadpool(save_document, corpus, data, name, meta)
    except DocumentError as exc:
        raise HTTPException(422, str(exc)) from None
    return await _publish(request, wait, doc, "added")


@router.put("/documents/{doc_id}", responses=ERRORS, openapi_extra=UPLOAD_BODY, status_code=202)
async def replace_document(
    request: Request, engine: EngineDep, _: AdminDep, doc_id: DocId, wait: Wait = False
) -> JSONResponse:
    """Replace a document's file and metadata; the doc_id stays."""
    existing = await _existing(engine, doc_id)
    data, name, meta = await _read_upload(request)
    meta["doc_id"] = doc_id
    try:
        doc = await run_in_threadpool(save_document, engine.settings.corpus, data, name, meta, existing)
    except DocumentError as exc:
        raise HTTPException(422, str(exc)) from None
    return await _publish(request, wait, doc, "replaced")


@router.delete("/documents/{doc_id}", responses=ERRORS, status_code=202)
async def remove_document(
    request: Request, engine: EngineDep, _: AdminDep, doc_id: DocId, wait: Wait = False
) -> JSONResponse:
    """Delete a document from the corpus and the index."""
    existing = await _existing(engine, doc_id)
    await run_in_threadpool(delete_document, engine.settings.corpus, existing)
    return await _publish(request, wait, existing, "deleted")


@router.post("/reindex", responses=ERRORS, status_code=202)
async def reindex(
    request: Request, _: AdminDep, wait: Wait = False, full: Annotated[bool, Query()] = False
) -> JSONResponse:
    """Rebuild from the corpus folder (incremental; `full=true` re-encodes everything)."""
    runner = _runner(request)
    if full:
        runner.request(full=True)
    return await _publish(request, wait, None, "reindex")


@router.get("/index", responses=ERRORS)
async def index_status(request: Request, engine: EngineDep, _: AdminDep) -> dict[str, Any]:
    """Served version, counts, last build and whether a build is running."""
    out: dict[str, Any] = {"version": None, "documents": 0, "passages": 0, "builds": _runner(request).status()}
    if engine.ready:
        snapshot = engine.searcher().snapshot
        out.update(
            version=snapshot.version,
            created=snapshot.manifest.get("created"),
            encoder=snapshot.encoder_id,
            documents=len(snapshot.documents),
            passages=len(snapshot.passages),
            pairs=snapshot.manifest["counts"].get("pairs", 0),
        )
    out["load_error"] = engine.last_error
    return out
