"""Admin routes (X-API-Key): add, replace and delete documents, reindex, cancel a build, index status."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from indexer.index.pair_evidence import import_links
from indexer.ingest.bulk import ImportRow, fill_pairs, import_upload
from indexer.ingest.corpus_files import DocumentExists, DocumentNotFound, Upload
from indexer.ingest.doc_errors import OcrUnavailable
from indexer.ingest.readers import SUPPORTED_SUFFIXES, DocumentError, DocumentTooLarge
from service.auth import AdminDep
from service.builds import JobResult
from service.deps import BuildsDep, EngineDep, WritesDep
from service.errors import ApiError
from service.limits import MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES
from service.openapi import ADMIN_CODES, error_responses
from service.schemas import RefusalCreate
from service.uploads import UPLOAD_BODY, read_upload, too_large
from service.writes import DocumentWrites, Receipt

router = APIRouter(prefix="/api", tags=["admin"])
WAIT_TIMEOUT_S = 300.0
ERRORS = error_responses(
    *ADMIN_CODES,
    "document_exists",
    "document_not_in_corpus",
    "document_invalid",
    "document_too_large",
    "ocr_unavailable",
    "payload_too_large",
    "file_missing",
    "unsupported_file_type",
    "unknown_form_fields",
    "unsupported_media_type",
    "body_not_json",
    "parameter_missing",
    "invalid_parameter",
    "invalid_choice",
    "bad_request",
    "no_build_running",
)
DocId = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Wait = Annotated[bool, Query(description="block until the new index version is published")]


async def _store(call: Any, *args: Any) -> Receipt:
    """Run one write off the event loop; domain errors become their HTTP status."""
    try:
        receipt: Receipt = await run_in_threadpool(call, *args)
    except DocumentExists as exc:
        raise ApiError("document_exists", "doc_id", reason=str(exc)) from None
    except DocumentNotFound as exc:
        doc_id = exc.doc_id or (args[0] if args and isinstance(args[0], str) else "")
        raise ApiError("document_not_in_corpus", "other" if exc.doc_id else "doc_id", doc_id=doc_id) from None
    except DocumentTooLarge as exc:
        raise ApiError("document_too_large", "file", reason=str(exc)) from None
    except OcrUnavailable as exc:
        raise ApiError("ocr_unavailable", "file", reason=str(exc)) from None
    except DocumentError as exc:
        raise ApiError("document_invalid", "file", reason=str(exc)) from None
    return receipt


_FILE_REFUSALS = ("document_too_large", "document_invalid", "ocr_unavailable")


async def _refusals_noted(writes: DocumentWrites, upload: Upload, stored: Awaitable[Receipt]) -> Receipt:
    """The write's receipt; a file refused for what it holds is also listed in /api/index."""
    try:
        return await stored
    except ApiError as exc:
        if exc.code in _FILE_REFUSALS:
            writes.builds.note_refused(upload.filename, str(exc.params.get("reason", exc.code)))
        raise


def _unpublished(result: JobResult, what: str) -> str:
    served = f"version {result.version}" if result.version else "no index"
    if result.outcome == "cancelled":
        return f"{what}; its build was cancelled, so the served index ({served}) does not show it yet"
    return (
        f"{what}; the build failed ({result.error}), so the served index ({served}) does not show it yet: "
        "fix the cause and POST /api/reindex"
    )


async def _reply(writes: DocumentWrites, receipt: Receipt, wait: bool) -> JSONResponse:
    content = receipt.content()
    applied = {
        "added": "the document is stored in the corpus",
        "replaced": "the new version is stored in the corpus",
        "deleted": "the document is removed from the corpus",
        "refused": "the refusal is stored in the document's metadata",
        "reindex": "the rebuild was requested",
    }[receipt.action]
    if not wait:
        return JSONResponse(status_code=202, content={**content, "detail": f"{applied}; indexing in the background"})
    result = await run_in_threadpool(writes.wait, receipt, WAIT_TIMEOUT_S)
    if result is None:
        return JSONResponse(status_code=202, content={**content, "detail": f"{applied}; the build is still running"})
    content["build"] = result.to_dict()
    if result.outcome in ("failed", "cancelled"):
        return JSONResponse(
            status_code=202, content={**content, "published": False, "detail": _unpublished(result, applied)}
        )
    content.update(published=True, index_version=result.version)
    return JSONResponse(status_code=201 if receipt.action == "added" else 200, content=content)


@router.post("/documents", responses=ERRORS, openapi_extra=UPLOAD_BODY, status_code=202)
async def add_document(request: Request, writes: WritesDep, _: AdminDep, wait: Wait = False) -> JSONResponse:
    """Add a communiqué (.md/.txt/.html/.pdf upload, or JSON with `text`); 409 if its id is taken."""
    upload = await read_upload(request)
    return await _reply(writes, await _refusals_noted(writes, upload, _store(writes.add, upload)), wait)


MAX_IMPORT_FILES = 50
IMPORT_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                }
            }
        },
        "required": True,
    }
}


def _import_all(writes: DocumentWrites, uploads: list[Upload | ImportRow]) -> tuple[list[ImportRow], Receipt | None]:
    rows = [u if isinstance(u, ImportRow) else import_upload(writes.store, u, u.filename) for u in uploads]
    for row in rows:
        if row.action == "refused":
            writes.builds.note_refused(row.file, row.error)
    return rows, (writes.reindex() if any(r.action == "added" for r in rows) else None)


@router.post("/documents/import", responses=ERRORS, openapi_extra=IMPORT_BODY, status_code=202)
async def import_documents(
    request: Request, writes: WritesDep, engine: EngineDep, _: AdminDep, wait: Wait = False
) -> JSONResponse:
    """Several files in one multipart request (`file` repeated), no metadata needed: each is stored
    as `bnc add` stores it, one build follows, and the report has a row per file (a bad file is a
    `refused` row, never a failed request)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_IMPORT_BYTES + 64 * 1024:
        raise too_large(MAX_IMPORT_BYTES)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError("unsupported_media_type")
    form = await request.form(max_files=MAX_IMPORT_FILES, max_fields=MAX_IMPORT_FILES, max_part_size=64 * 1024)
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
    if not files:
        raise ApiError("file_missing", "file")
    uploads: list[Upload | ImportRow] = []
    for f in files:
        name = f.filename or ""
        data = await f.read(MAX_UPLOAD_BYTES + 1)
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if len(data) > MAX_UPLOAD_BYTES:
            uploads.append(ImportRow(name, "refused", error=f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"))
        elif suffix not in SUPPORTED_SUFFIXES:
            uploads.append(ImportRow(name, "refused", error=f"file type {suffix or '(none)'} is not accepted"))
        else:
            uploads.append(Upload(data, name))
    rows, receipt = await run_in_threadpool(_import_all, writes, uploads)
    content: dict[str, Any] = {"files": [r.to_dict() for r in rows], "job": receipt.job if receipt else None}
    if receipt is not None and wait:
        result = await run_in_threadpool(writes.wait, receipt, WAIT_TIMEOUT_S)
        content["build"] = result.to_dict() if result is not None else None
        if result is not None and result.outcome not in ("failed", "cancelled"):
            snapshot = engine.searcher().snapshot
            evidence, excerpts, supersedes = import_links(snapshot)
            fill_pairs(rows, snapshot.detected_links, snapshot.given_links(), supersedes, evidence, excerpts)
            content["files"] = [r.to_dict() for r in rows]
            content.update(published=True, index_version=result.version)
    return JSONResponse(status_code=200 if receipt is None or wait else 202, content=content)


@router.put("/documents/{doc_id}", responses=ERRORS, openapi_extra=UPLOAD_BODY, status_code=202)
async def replace_document(
    request: Request, writes: WritesDep, _: AdminDep, doc_id: DocId, wait: Wait = False
) -> JSONResponse:
    """Replace a document's file and metadata; the doc_id stays."""
    if await run_in_threadpool(writes.store.find, doc_id) is None:
        raise ApiError("document_not_in_corpus", "doc_id", doc_id=doc_id)
    upload = await read_upload(request)
    receipt = await _refusals_noted(writes, upload, _store(writes.replace, doc_id, upload))
    return await _reply(writes, receipt, wait)


@router.delete("/documents/{doc_id}", responses=ERRORS, status_code=202)
async def remove_document(writes: WritesDep, _: AdminDep, doc_id: DocId, wait: Wait = False) -> JSONResponse:
    """Delete a document from the corpus and the index."""
    return await _reply(writes, await _store(writes.delete, doc_id), wait)


@router.post("/documents/{doc_id}/refusals", responses=ERRORS, status_code=202)
async def refuse_link(
    writes: WritesDep, _: AdminDep, doc_id: DocId, body: RefusalCreate, wait: Wait = False
) -> JSONResponse:
    """Refuse a detected link: `translation` (not its twin) or `revision` (not a version of it).

    Stored as `not_translation_of` / `not_revision_of` in the document's sidecar metadata, so it
    holds across rebuilds; a hand-given `translation_of` or `supersedes` is not affected."""
    if body.other == doc_id:  # a request that cannot be right, whatever the corpus holds: 422, not 404
        refused = ApiError("invalid_parameter", "other", reason="a document cannot be refused as linked to itself")
        refused.params["field"] = "other"  # the message's {field}; the argument of that name is the JSON field
        raise refused
    return await _reply(writes, await _store(writes.refuse, doc_id, body.kind, body.other), wait)


@router.post("/reindex", responses=ERRORS, status_code=202)
async def reindex(
    writes: WritesDep, _: AdminDep, wait: Wait = False, full: Annotated[bool, Query()] = False
) -> JSONResponse:
    """Rebuild from the corpus folder (incremental; `full=true` re-encodes everything)."""
    return await _reply(writes, await _store(writes.reindex, full), wait)


@router.delete("/index/build", responses=ERRORS)
async def cancel_build(builds: BuildsDep, _: AdminDep) -> JSONResponse:
    """Cancel the running build: nothing is published, its staging files are removed, CURRENT stays."""
    job = builds.cancel()
    if job is None:
        raise ApiError("no_build_running")
    return JSONResponse(
        status_code=202,
        content={
            "cancelling": True,
            "job": job,
            "follow": "/api/index",
            "detail": "the running build stops at its next batch",
        },
    )


@router.get("/index", responses=ERRORS)
async def index_status(engine: EngineDep, builds: BuildsDep, _: AdminDep) -> dict[str, Any]:
    """Served version, counts, last build, whether a build is running, and any problem with CURRENT."""
    out: dict[str, Any] = {"version": None, "documents": 0, "passages": 0, "builds": builds.status()}
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
    out["degraded"] = engine.degraded
    return out
