"""One document from an admin request: a multipart file with its form fields, or a JSON body, bounded first."""

from __future__ import annotations

import orjson
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from indexer.ingest.corpus_files import Upload, json_upload
from indexer.ingest.readers import SUPPORTED_SUFFIXES
from service.errors import ApiError
from service.limits import MAX_UPLOAD_BYTES
from service.schemas import DocumentCreate

FORM_FIELDS = (
    "title",
    "lang",
    "date",
    "doc_id",
    "source",
    "source_url",
    "translation_of",
    "meeting",
    "working_group",
    "place",
)
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
                        **{f: {"type": "string"} for f in FORM_FIELDS},
                    },
                }
            },
        },
        "required": True,
    }
}


def too_large(limit: int = MAX_UPLOAD_BYTES) -> ApiError:
    return ApiError("payload_too_large", size=f"{limit // (1024 * 1024)} MB")


async def read_upload(request: Request) -> Upload:
    """The document from a multipart upload or a JSON body, bounded before it is parsed."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 64 * 1024:
        raise too_large()
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=20, max_part_size=64 * 1024)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError("file_missing", "file")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise too_large()
        name = upload.filename or ""
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix not in SUPPORTED_SUFFIXES:
            raise ApiError(
                "unsupported_file_type", "file", suffix=suffix or "(none)", accepted=", ".join(SUPPORTED_SUFFIXES)
            )
        unknown = sorted(k for k in form if k != "file" and k not in FORM_FIELDS)
        if unknown:
            listed, accepted = ", ".join(unknown), ", ".join(FORM_FIELDS)
            raise ApiError("unknown_form_fields", unknown[0], fields=listed, accepted=accepted)
        fields = {k: v.strip() for k, v in form.items() if k != "file" and isinstance(v, str) and v.strip()}
        return Upload(data, name, fields)
    if ctype.startswith("application/json"):
        raw = await request.body()
        if len(raw) > MAX_UPLOAD_BYTES + 64 * 1024:
            raise too_large()
        try:
            parsed = orjson.loads(raw)  # bounded nesting (1024 levels): deep input is an error, not a crash
        except orjson.JSONDecodeError as exc:
            raise ApiError("body_not_json", reason=str(exc)) from None
        try:
            body = DocumentCreate.model_validate(parsed)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(), body=parsed) from None
        return json_upload(body.text, body.model_dump(mode="json", exclude={"text"}, exclude_none=True))
    raise ApiError("unsupported_media_type")
