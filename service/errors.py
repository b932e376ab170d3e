"""Every error is JSON `{code, detail, field}`: a stable code, a message in the asker's language, no traceback."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from indexer.encoders import EncoderMismatch
from service.engine import IndexUnavailable
from service.error_codes import CODES, error_body, pick_lang, reason_in, render
from service.schemas import MAX_K, MAX_WINDOW, WINDOW_MESSAGE

log = logging.getLogger("bnc.errors")
# routes that read a JSON body: a form-encoded or other body there is a 415, not a validation error
_JSON_BODY_PATHS = ("/api/search", "/api/ask")
ERROR_LANG_PARAM = "error_lang"  # the language of error messages; `lang` is the query's language
ASK_MAX_K = 20  # AskCreate.k's bound


class ApiError(StarletteHTTPException):
    """An HTTP error with a registered code; `params` fill the code's message in either language."""

    def __init__(
        self, code: str, field: str | None = None, headers: Mapping[str, str] | None = None, **params: Any
    ) -> None:
        super().__init__(CODES[code].status, render(code, "en", params), dict(headers) if headers else None)
        self.code = code
        self.field = field
        self.params = params


def describe_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """Pydantic validation errors as one line a person can act on ("k: must be at most 100; q: …")."""
    parts = []
    for err in errors:
        loc = _field(err)
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts) or "invalid request"


def _field(err: Mapping[str, Any]) -> str:
    return ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))


def classify(
    err: Mapping[str, Any], k_max: int | str = "?", lang: str = "en"
) -> tuple[str, str | None, dict[str, Any]]:
    """One pydantic error -> (code, field, params); `k_max` is the route's bound on k (pydantic names one);
    a free-text reason is in `lang` (pydantic's English only for English)."""
    field = _field(err) or None
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown_field", field, {"field": field or "body"}
    if kind == "json_invalid":
        return "body_not_json", None, {"reason": ctx.get("error", msg)}
    if field == "q" and (kind in ("missing", "string_too_short") or msg == "the query is empty"):
        return "query_empty", "q", {}
    if field == "q" and kind == "string_too_long":
        return "query_too_long", "q", {"max": ctx.get("max_length", "")}
    if field == "k" and kind in ("greater_than_equal", "less_than_equal"):
        return "k_out_of_range", "k", {"min": ctx.get("ge", 1), "max": ctx.get("le", k_max)}
    if msg == WINDOW_MESSAGE:
        return "page_out_of_range", "offset", {"max": MAX_WINDOW}
    if field == "offset" and kind in ("greater_than_equal", "less_than"):
        return "page_out_of_range", "offset", {"max": MAX_WINDOW}
    if msg == "date_from is after date_to":
        return "dates_out_of_order", "date_from", {}
    if kind == "missing":
        return "parameter_missing", field, {"field": field or "body"}
    if kind in ("literal_error", "enum"):
        choices = str(ctx.get("expected", "")).replace(" or ", ", ")
        return "invalid_choice", field, {"field": field or "body", "choices": choices}
    return "invalid_parameter", field, {"field": field or "body", "reason": reason_in(lang, kind, msg)}


def validation_body(errors: Sequence[Mapping[str, Any]], lang: str, k_max: int | str = "?") -> dict[str, Any]:
    """The first error's code and field; `detail` names every error; `errors` lists each with its code.

    Every message is in `lang`: a row's `msg` is its `detail` (pydantic's English text is not passed on)."""
    listed = []
    for err in errors:
        code, field, params = classify(err, k_max, lang)
        row = {k: v for k, v in err.items() if k in ("loc", "type")}
        body = error_body(code, lang, field, params)
        listed.append({**row, "msg": body["detail"], **body})
    if not listed:
        return {**error_body("invalid_parameter", lang, None, {"field": "body", "reason": "invalid request"})}
    first = listed[0]
    detail = "; ".join(dict.fromkeys(e["detail"] for e in listed))
    return {"code": first["code"], "detail": detail, "field": first["field"], "errors": listed}


async def request_lang(request: Request, body: Any = None) -> str:
    """The language of error messages: `?error_lang=en|es`, else Accept-Language, else English.

    Not `lang`: on search and ask that is the query's language, which says nothing of the reader's."""
    return pick_lang(request.headers.get("accept-language"), request.query_params.get(ERROR_LANG_PARAM))


def _not_json(request: Request) -> str | None:
    """The content type of a non-JSON body sent to a JSON route, else None."""
    if request.method != "POST" or request.url.path not in _JSON_BODY_PATHS:
        return None
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if not media or media == "application/json" or media.endswith("+json"):
        return None
    return media


def _k_max(request: Request) -> int:
    return ASK_MAX_K if request.url.path == "/api/ask" else MAX_K


_GENERIC = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = await request_lang(request, exc.body)
        media = _not_json(request)
        if media is not None:
            body = error_body("json_required", lang, None, {"content_type": media})
            return JSONResponse(status_code=415, content=body)
        return JSONResponse(status_code=422, content=validation_body(exc.errors(), lang, _k_max(request)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = await request_lang(request)
        if isinstance(exc, ApiError):
            content = error_body(exc.code, lang, exc.field, exc.params)
        else:
            code = _GENERIC.get(exc.status_code, "http_error")
            params = {"path": request.url.path, "method": request.method, "reason": str(exc.detail)}
            content = error_body(code, lang, None, params)
        return JSONResponse(status_code=exc.status_code, content=content, headers=exc.headers)

    @app.exception_handler(IndexUnavailable)
    async def _unavailable(request: Request, exc: IndexUnavailable) -> JSONResponse:
        body = error_body("index_not_ready", await request_lang(request), None, {"reason": str(exc)})
        return JSONResponse(status_code=503, content=body)

    @app.exception_handler(EncoderMismatch)
    async def _mismatch(request: Request, exc: EncoderMismatch) -> JSONResponse:
        body = error_body("encoder_mismatch", await request_lang(request), None, {"reason": str(exc)})
        return JSONResponse(status_code=503, content=body)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        lang = pick_lang(request.headers.get("accept-language"), request.query_params.get(ERROR_LANG_PARAM))
        return JSONResponse(status_code=500, content=error_body("internal_error", lang))
