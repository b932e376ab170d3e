"""The OpenAPI document: error codes per route, the whole code table, and schemas named as the domain."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.error_codes import CODES, render
from service.schemas import ErrorPublic

# the models' Python names say Create/Public (input/output); tools read the domain's names
SCHEMA_NAMES = {
    "SearchCreate": "SearchRequest",
    "AskCreate": "AskRequest",
    "DocumentCreate": "DocumentRequest",
    "SearchPublic": "SearchResponse",
    "AnswerPublic": "AnswerResponse",
    "HitPublic": "SearchHit",
    "CitationPublic": "Citation",
    "TwinPublic": "TwinPassage",
    "QuotePublic": "Quote",
    "PassagePublic": "PassageResponse",
    "DocumentPublic": "DocumentSummary",
    "DocumentsPublic": "DocumentListResponse",
    "DocumentViewPublic": "DocumentResponse",
    "ViewPassagePublic": "DocumentPassage",
    "TranslationPublic": "Translation",
    "OriginPublic": "FieldOrigin",
    "VersionPublic": "DocumentVersion",
    "PhrasePublic": "AnswerPhrase",
    "QueryTranslationPublic": "QueryTranslation",
    "MachineTranslationPublic": "MachineTranslation",
    "MorePublic": "MoreFromDocument",
    "UnderstoodPublic": "UnderstoodPreference",
    "RefusalCreate": "RefusalRequest",
    "ErrorPublic": "ErrorResponse",
}
QUERY_CODES = (
    "query_empty",
    "query_too_long",
    "k_out_of_range",
    "dates_out_of_order",
    "parameter_missing",
    "invalid_choice",
    "invalid_parameter",
    "body_not_json",
    "unknown_field",
    "json_required",
)
SERVICE_CODES = ("index_not_ready", "encoder_mismatch")
ADMIN_CODES = ("admin_disabled", "api_key_missing", "api_key_invalid", "too_many_key_attempts")


def error_responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """FastAPI `responses=` for these codes (and internal_error): one entry per status, an example per code."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for code in (*codes, "internal_error"):
        if code not in by_status[CODES[code].status]:
            by_status[CODES[code].status].append(code)
    out: dict[int | str, dict[str, Any]] = {}
    for status, listed in sorted(by_status.items()):
        examples = {
            code: {"summary": code, "value": {"code": code, "detail": render(code, "en"), "field": None}}
            for code in listed
        }
        out[status] = {
            "model": ErrorPublic,
            "description": "codes: " + ", ".join(f"`{c}`" for c in listed),
            "content": {"application/json": {"examples": examples}},
            "x-error-codes": listed,
        }
    return out


EN_DOC = "bnc-xix-2002-migration-consular-en"
ES_DOC = "bnc-xix-2002-migracion-asuntos-consulares-es"
_QUERIES = {
    "en": ("How many border crossing cards were issued?", "English question, passages in both languages"),
    "es": ("¿Cuándo terminó el programa de reemplazo de las tarjetas de cruce?", "pregunta en español"),
    "es_to_en": ("tarjetas de cruce", "Spanish keywords, English documents only (doc_lang=en)"),
}


def _query_examples(k: int) -> dict[str, Any]:
    out = {}
    for name, (q, summary) in _QUERIES.items():
        value: dict[str, Any] = {"q": q, "k": k}
        if name == "es_to_en":
            value["doc_lang"] = "en"
        out[name] = {"summary": summary, "value": value}
    return out


def _param_examples(values: dict[str, tuple[str, str]]) -> dict[str, Any]:
    return {name: {"summary": summary, "value": value} for name, (value, summary) in values.items()}


# operation -> (summary, body examples, parameter examples)
OPERATIONS: dict[tuple[str, str], tuple[str, dict[str, Any] | None, dict[str, dict[str, Any]]]] = {
    ("get", "/api/search"): (
        "Search (query parameters)",
        None,
        {
            "q": _param_examples(dict(_QUERIES.items())),
            "doc_lang": _param_examples({"en": ("en", "English documents"), "es": ("es", "documentos en español")}),
        },
    ),
    ("post", "/api/search"): ("Search (JSON body)", _query_examples(10), {}),
    ("get", "/api/search.csv"): ("Search results as CSV", None, {"q": _param_examples(dict(_QUERIES.items()))}),
    ("get", "/api/search.jsonl"): (
        "Search results as JSON Lines",
        None,
        {"q": _param_examples(dict(_QUERIES.items()))},
    ),
    ("post", "/api/ask"): ("Answer a question with an exact, cited quote", _query_examples(5), {}),
    ("get", "/api/passages/{passage_id}"): (
        "One passage with its citation",
        None,
        {"passage_id": _param_examples({"es": (f"{ES_DOC}:ef5b2250a153", "un pasaje en español")})},
    ),
    ("get", "/api/documents"): ("List the indexed documents", None, {}),
    ("get", "/api/documents/{doc_id}"): (
        "One whole communiqué with its numbered passages",
        None,
        {"doc_id": _param_examples({"en": (EN_DOC, "English communiqué"), "es": (ES_DOC, "comunicado en español")})},
    ),
}


def _with_examples(doc: dict[str, Any]) -> dict[str, Any]:
    for (method, path), (summary, body, params) in OPERATIONS.items():
        op = doc.get("paths", {}).get(path, {}).get(method)
        if op is None:
            continue
        op["summary"] = summary
        if body is not None and "requestBody" in op:
            op["requestBody"]["content"]["application/json"]["examples"] = body
        for param in op.get("parameters", []):
            if param["name"] in params:
                param["examples"] = params[param["name"]]
    return doc


def _renamed(doc: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(doc)
    for old, new in SCHEMA_NAMES.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    out: dict[str, Any] = json.loads(text)
    schemas = out.get("components", {}).get("schemas", {})
    for old, new in SCHEMA_NAMES.items():
        if old in schemas and new not in schemas:
            schemas[new] = {**schemas.pop(old), "title": new}
    return out


def code_table() -> list[dict[str, Any]]:
    return [{"code": c.code, "status": c.status, "en": c.en, "es": c.es} for c in CODES.values()]


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi: the schema FastAPI generates, renamed, with the error-code table attached."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            doc["info"]["x-error-codes"] = code_table()
            app.openapi_schema = _renamed(_with_examples(doc))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
