"""`bnc mcp`: search, ask, get_document and list_documents as read-only Model Context Protocol tools."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from service.config import Settings
from service.engine import Engine, IndexUnavailable
from service.error_codes import error_body
from service.errors import ApiError, validation_body
from service.queries import run_ask, run_search
from service.routes.document_view import DocumentViewPublic, document_view
from service.routes.documents import list_documents as documents_listing
from service.schemas import AnswerPublic, AskCreate, DocumentsPublic, SearchCreate, SearchPublic

ModelT = TypeVar("ModelT", bound=BaseModel)
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
INSTRUCTIONS = (
    "Bilingual (English/Spanish) search over the U.S.-Mexico Binational Commission communiqués. "
    "`ask` answers with one exact quoted sentence and its citation at a level: 'answer', 'likely' (more likely "
    "right than not: check the passage) or 'not_found' (not found in the communiqués); "
    "`search` ranks passages (doc_lang='en' or 'es' keeps one language, whatever the query's). Every hit "
    "carries a citation with the document id, paragraph and character offsets into the document body; "
    "`get_document` returns the whole communiqué those offsets point into."
)

# bounds are checked by the HTTP API's own request models, so a tool error carries the same code and text
Query = Annotated[str, Field(description="the question or keywords, English or Spanish (at most 1,000 characters)")]
Lang = Annotated[Literal["auto", "en", "es"], Field(description="query language; auto detects it")]
DocLang = Annotated[Literal["en", "es"] | None, Field(description="only passages of documents in this language")]
Day = Annotated[dt.date | None, Field(description="ISO date, yyyy-mm-dd")]
DocIds = Annotated[list[str] | None, Field(description="only these documents (ids from list_documents)")]
ErrorLang = Annotated[Literal["en", "es"], Field(description="the language of error messages")]
Compact = Annotated[
    bool, Field(description="hits as snippets around the matched terms, without quotes or twins (about a third)")
]
SNIPPET_CHARS = 240


def _snippet(hit: dict[str, Any]) -> None:
    """The hit's text cut to about SNIPPET_CHARS around its first highlight; offsets stay the document's."""
    text = hit["text"]
    first = hit["highlights"][0][0] if hit["highlights"] else 0
    start = max(0, min(first - SNIPPET_CHARS // 4, len(text) - SNIPPET_CHARS))
    end = min(len(text), start + SNIPPET_CHARS)
    hit["text"] = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    shift = start - (1 if start else 0)
    hit["highlights"] = [[a - shift, b - shift] for a, b in hit["highlights"] if a >= start and b <= end]
    hit["citation"]["quote"] = ""  # the snippet is the text; char_start/char_end still locate the whole passage
    hit.pop("machine_translation", None)
    hit["twin"] = None  # get_document lists the translation


def compacted(out: dict[str, Any]) -> dict[str, Any]:
    """A search reply whose hits fit a model's context: snippets, no repeated quote, no twin."""
    for hit in out["hits"]:
        _snippet(hit)
    return out


def _failure(code: str, detail: str) -> ToolError:
    return ToolError(f"{code}: {detail}")


def _validated(model: type[ModelT], error_lang: str = "en", **fields: Any) -> ModelT:
    """The same request model (and so the same validation, codes and messages) as the HTTP API."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        body = validation_body(exc.errors(), error_lang, 20 if model is AskCreate else 100)
        raise _failure(body["code"], body["detail"]) from None


def build_server(engine: Engine) -> MCPServer:
    server = MCPServer("bnc-search", title="Binational Commission search", instructions=INSTRUCTIONS, version="0.1.0")

    def searcher_or_fail() -> Any:
        try:
            return engine.searcher()
        except IndexUnavailable as exc:
            body = error_body("index_not_ready", "en", None, {"reason": str(exc)})
            raise _failure(body["code"], body["detail"]) from None

    @server.tool(annotations=READ_ONLY)
    def search(
        q: Query,
        k: Annotated[int, Field(description="number of hits, 1-100")] = 10,
        lang: Lang = "auto",
        doc_lang: DocLang = None,
        date_from: Day = None,
        date_to: Day = None,
        doc_ids: DocIds = None,
        mode: Literal["hybrid", "bm25", "dense"] = "hybrid",
        offset: Annotated[int, Field(description="hits to skip: the reply's `next` for the following page")] = 0,
        compact: Compact = False,
        error_lang: ErrorLang = "en",
    ) -> SearchPublic:
        """Ranked passages with citations (document, paragraph, character offsets) and highlighted terms."""
        body = _validated(
            SearchCreate, error_lang, q=q, k=k, lang=lang, doc_lang=doc_lang, date_from=date_from, date_to=date_to,
            doc_ids=doc_ids, mode=mode, offset=offset,
        )  # fmt: skip
        out = run_search(searcher_or_fail(), body)
        return SearchPublic.model_validate(compacted(out) if compact else out)

    @server.tool(annotations=READ_ONLY)
    def ask(
        q: Query,
        k: Annotated[int, Field(description="passages read for the answer, 1-20")] = 5,
        lang: Lang = "auto",
        doc_lang: DocLang = None,
        date_from: Day = None,
        date_to: Day = None,
        doc_ids: DocIds = None,
        hits: Annotated[bool, Field(description="also return the passages read, in full")] = False,
        error_lang: ErrorLang = "en",
    ) -> AnswerPublic:
        """The exact sentence that answers, with its citation and translation; `level` is answer, likely (check the
        passage) or not_found, and `answered` is true at the first two."""
        body = _validated(
            AskCreate, error_lang, q=q, k=k, lang=lang, doc_lang=doc_lang, date_from=date_from, date_to=date_to,
            doc_ids=doc_ids,
        )  # fmt: skip
        searcher_or_fail()
        out = run_ask(engine.answerer(), body)
        # the answer card is what a model needs; the passages read (tens of KB) only when asked for
        return AnswerPublic.model_validate(out if hits else {**out, "hits": []})

    @server.tool(annotations=READ_ONLY)
    def get_document(
        doc_id: Annotated[str, Field(min_length=1, max_length=300, description="a doc_id from a citation")],
    ) -> DocumentViewPublic:
        """One whole communiqué: body, metadata, translations, and its passages with ordinals and offsets."""
        try:
            return DocumentViewPublic.model_validate(document_view(searcher_or_fail().snapshot, doc_id))
        except ApiError as exc:
            raise _failure(exc.code, exc.detail) from None

    @server.tool(annotations=READ_ONLY)
    async def list_documents() -> DocumentsPublic:
        """Every indexed communiqué: id, language, title, date, translations, passage count."""
        return DocumentsPublic.model_validate(await documents_listing(searcher_or_fail()))

    return server


def _start_quietly(engine: Engine) -> None:
    """Start the engine with file descriptor 1 pointed at stderr: on stdio, stdout carries only the protocol."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        engine.start()
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


class UnsafeHost(ValueError):
    """--http asked to listen beyond this machine: the MCP server has no authentication of its own."""


def check_host(host: str) -> None:
    """UnsafeHost unless `host` is a loopback address: the tools need no key, and the SDK turns its
    Host/Origin checks (DNS rebinding protection) off for any other address."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UnsafeHost(
            f"bnc mcp --http listens on loopback only (127.0.0.1, ::1 or localhost), not {host!r}: it has no "
            "authentication; to reach it from elsewhere, put an authenticating reverse proxy in front of it"
        )


def serve(settings: Settings, http: bool = False, host: str = "127.0.0.1", port: int = 8765) -> None:
    if http:
        check_host(host)
    engine = Engine(settings)
    _start_quietly(engine)
    try:
        server = build_server(engine)
        if http:
            server.run("streamable-http", host=host, port=port, streamable_http_path="/mcp")
        else:
            server.run("stdio")
    finally:
        engine.stop()
