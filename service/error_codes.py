"""The stable error codes of the API: status, English and Spanish message per code, and language choice."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

LANGS = ("en", "es")


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    en: str
    es: str

    def message(self, lang: str) -> str:
        return self.es if lang == "es" else self.en

    def placeholders(self, lang: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.message(lang)) if name}


# A code never changes meaning once published; a new situation gets a new code. `{reason}` carries
# the specifics the lower layers give in English (a parser's message, a file path).
_CODES = [
    # request validation (422)
    ErrorCode("query_empty", 422, "q: the query is empty", "q: la consulta está vacía"),
    ErrorCode(
        "query_too_long",
        422,
        "q: the query is longer than {max} characters",
        "q: la consulta tiene más de {max} caracteres",
    ),
    ErrorCode("k_out_of_range", 422, "k: must be between {min} and {max}", "k: debe estar entre {min} y {max}"),
    ErrorCode(
        "page_out_of_range",
        422,
        "offset: offset + k must be at most {max} (paging reads no deeper)",
        "offset: offset + k no puede pasar de {max} (la paginación no llega más lejos)",
    ),
    ErrorCode(
        "dates_out_of_order",
        422,
        "date_from is after date_to",
        "la fecha date_from es posterior a date_to",
    ),
    ErrorCode("parameter_missing", 422, "{field}: this field is required", "{field}: este campo es obligatorio"),
    ErrorCode("invalid_choice", 422, "{field}: must be one of {choices}", "{field}: debe ser uno de estos: {choices}"),
    ErrorCode("invalid_parameter", 422, "{field}: {reason}", "{field}: valor no válido ({reason})"),
    ErrorCode(
        "unknown_field",
        422,
        "{field}: not a field of this request (the API docs at /docs list them)",
        "{field}: no es un campo de esta solicitud (la documentación en /docs los enumera)",
    ),
    ErrorCode(
        "json_required",
        415,
        "send the body as JSON (Content-Type: application/json), not {content_type}",
        "envíe el cuerpo como JSON (Content-Type: application/json), no como {content_type}",
    ),
    ErrorCode("body_not_json", 422, "the body is not valid JSON ({reason})", "el cuerpo no es JSON válido ({reason})"),
    # sizes (413)
    ErrorCode(
        "payload_too_large",
        413,
        "the request body is larger than {size}",
        "el cuerpo de la solicitud supera {size}",
    ),
    ErrorCode("document_too_large", 413, "{reason}", "el documento es demasiado grande: {reason}"),
    # admin: documents and builds
    ErrorCode("document_exists", 409, "{reason}", "el documento ya existe: {reason}"),
    ErrorCode(
        "document_not_in_corpus",
        404,
        "no document '{doc_id}' in the corpus",
        "no hay ningún documento '{doc_id}' en el corpus",
    ),
    ErrorCode("document_invalid", 422, "{reason}", "no se pudo leer el documento: {reason}"),
    ErrorCode("ocr_unavailable", 422, "{reason}", "no se puede aplicar OCR en este servidor: {reason}"),
    ErrorCode(
        "file_missing",
        422,
        "the form needs a `file` field holding the document",
        "el formulario necesita un campo `file` con el documento",
    ),
    ErrorCode(
        "unsupported_file_type",
        415,
        "file type {suffix} is not accepted; use {accepted}",
        "no se acepta el tipo de archivo {suffix}; use {accepted}",
    ),
    ErrorCode(
        "unknown_form_fields",
        422,
        "unknown form field(s) {fields}; accepted: {accepted}",
        "campos de formulario desconocidos: {fields}; se aceptan: {accepted}",
    ),
    ErrorCode(
        "unsupported_media_type",
        415,
        "send multipart/form-data with a `file` field (or, for one document, application/json with `text`)",
        "envíe multipart/form-data con un campo `file` (o, para un solo documento, application/json con `text`)",
    ),
    ErrorCode("no_build_running", 409, "no build is running", "no hay ninguna compilación del índice en curso"),
    # admin keys
    ErrorCode(
        "admin_disabled",
        403,
        "admin routes are disabled: set BNC_API_KEYS (comma-separated) or BNC_API_KEYS_FILE to enable them",
        "las rutas de administración están desactivadas: defina BNC_API_KEYS (separadas por comas) "
        "o BNC_API_KEYS_FILE para activarlas",
    ),
    ErrorCode(
        "api_key_missing",
        401,
        "this route needs an admin key in the X-API-Key header",
        "esta ruta necesita una clave de administración en el encabezado X-API-Key",
    ),
    ErrorCode(
        "api_key_invalid",
        401,
        "the X-API-Key header does not hold a valid admin key",
        "el encabezado X-API-Key no contiene una clave de administración válida",
    ),
    ErrorCode(
        "too_many_key_attempts",
        429,
        "too many wrong admin keys from this address: try again in {seconds} s",
        "demasiadas claves de administración incorrectas desde esta dirección: intente de nuevo en {seconds} s",
    ),
    # lookups
    ErrorCode(
        "document_not_found",
        404,
        "no document '{doc_id}' in index version {version}",
        "no hay ningún documento '{doc_id}' en la versión {version} del índice",
    ),
    ErrorCode(
        "passage_not_found",
        404,
        "no passage '{passage_id}' in index version {version}",
        "no hay ningún pasaje '{passage_id}' en la versión {version} del índice",
    ),
    ErrorCode("not_found", 404, "nothing at {path}", "no hay nada en {path}"),
    ErrorCode("method_not_allowed", 405, "{method} is not allowed on {path}", "{method} no está permitido en {path}"),
    ErrorCode("bad_request", 400, "the request is malformed: {reason}", "la solicitud está mal formada: {reason}"),
    ErrorCode("http_error", 400, "the request was refused: {reason}", "se rechazó la solicitud: {reason}"),
    # the service
    ErrorCode(
        "index_not_ready",
        503,
        "search is not available: no index is loaded ({reason})",
        "la búsqueda no está disponible: no hay ningún índice cargado ({reason})",
    ),
    ErrorCode(
        "encoder_mismatch",
        503,
        "search is not available: the index was built with another encoder ({reason})",
        "la búsqueda no está disponible: el índice se creó con otro codificador ({reason})",
    ),
    ErrorCode(
        "internal_error",
        500,
        "internal error; the server log has the details",
        "error interno; el registro del servidor tiene los detalles",
    ),
]
CODES: dict[str, ErrorCode] = {c.code: c for c in _CODES}


# pydantic's English for the common problems, said in Spanish: a Spanish `detail` carries no English
_REASONS_ES = {
    "int_parsing": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "float_parsing": "debe ser un número",
    "bool_parsing": "debe ser true o false",
    "date_parsing": "debe ser una fecha AAAA-MM-DD",
    "date_from_datetime_parsing": "debe ser una fecha AAAA-MM-DD",
    "string_type": "debe ser un texto",
    "list_type": "debe ser una lista",
    "dict_type": "debe ser un objeto JSON",
    "model_attributes_type": "debe ser un objeto JSON",
    "too_long": "tiene demasiados elementos",
    "string_too_long": "es demasiado largo",
    "string_pattern_mismatch": "no tiene el formato esperado",
    "greater_than_equal": "es demasiado pequeño",
    "less_than_equal": "es demasiado grande",
    "less_than": "es demasiado grande",
}


def reason_in(lang: str, kind: str, english: str) -> str:
    """A validation problem's reason in `lang`: pydantic's own words in English, a Spanish phrase in Spanish."""
    return _REASONS_ES.get(kind, "valor no válido") if lang == "es" else english


def render(code: str, lang: str, params: dict[str, Any] | None = None) -> str:
    """The message of `code` in `lang` with its placeholders filled (a missing one stays visible)."""
    values = {k: str(v) for k, v in (params or {}).items()}
    return string.Formatter().vformat(CODES[code].message(lang), (), _Keep(values))


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def error_body(code: str, lang: str, field: str | None = None, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON every 4xx/5xx carries: a stable code, a message in the asker's language, the field at fault."""
    return {"code": code, "detail": render(code, lang, params), "field": field}


_ACCEPT = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def pick_lang(accept_language: str | None = None, explicit: str | None = None) -> str:
    """`explicit` (a request's `error_lang`) when it is en/es, else the best en/es of Accept-Language, else en."""
    if explicit in LANGS:
        return str(explicit)
    best, best_q = "en", 0.0
    for part in (accept_language or "")[:500].split(","):
        m = _ACCEPT.fullmatch(part)
        if not m:
            continue
        base = m.group(1).lower().split("-")[0]
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if base in LANGS and q > best_q:
            best, best_q = base, q
    return best
