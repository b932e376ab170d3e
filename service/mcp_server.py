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
    "`ask` answers with one exact quoted sentence and its citation, or says there is no confident answer; "
    "`search` ranks passages (doc_lang='en' or 'es' keeps one language, whatever the query's). Every hit "
    "carries a citation with the document id, paragraph and character offsets into the document body; "
    "`get_document` returns the whole communiqué those offsets point into."
)

Query = Annotated[str, Field(description="the question or keywords, English or Spanish", max_length=1000)]
Lang = Annotated[Literal["auto", "en", "es"], Field(description="query language; auto detects it")]
DocLang = Annotated[Literal["en", "es"] | None, Field(description="only passages of documents in this language")]
Day = Annotated[dt.date | None, Field(description="ISO date, yyyy-mm-dd")]
DocIds = Annotated[list[str] | None, Field(description="only these documents (ids from list_documents)")]


def _failure(code: str, detail: str) -> ToolError:
    return ToolError(f"{code}: {detail}")


def _validated(model: type[ModelT], **fields: Any) -> ModelT:
    """The same request model (and so the same validation and codes) as the HTTP API."""
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        body = validation_body(exc.errors(), "en", 20 if model is AskCreate else 100)
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
        k: Annotated[int, Field(ge=1, le=100, description="number of hits")] = 10,
        lang: Lang = "auto",
        doc_lang: DocLang = None,
        date_from: Day = None,
        date_to: Day = None,
        doc_ids: DocIds = None,
        mode: Literal["hybrid", "bm25", "dense"] = "hybrid",
    ) -> SearchPublic:
        """Ranked passages with citations (document, paragraph, character offsets) and highlighted terms."""
        body = _validated(
            SearchCreate, q=q, k=k, lang=lang, doc_lang=doc_lang, date_from=date_from, date_to=date_to,
            doc_ids=doc_ids, mode=mode,
        )  # fmt: skip
        return SearchPublic.model_validate(run_search(searcher_or_fail(), body))

    @server.tool(annotations=READ_ONLY)
    def ask(
        q: Query,
        k: Annotated[int, Field(ge=1, le=20, description="passages read for the answer")] = 5,
        lang: Lang = "auto",
        doc_lang: DocLang = None,
        date_from: Day = None,
        date_to: Day = None,
        doc_ids: DocIds = None,
    ) -> AnswerPublic:
        """The exact sentence that answers, with its citation and its translation; `answered` is false when unsure."""
        body = _validated(
            AskCreate, q=q, k=k, lang=lang, doc_lang=doc_lang, date_from=date_from, date_to=date_to, doc_ids=doc_ids
        )
        searcher_or_fail()
        return AnswerPublic.model_validate(run_ask(engine.answerer(), body))

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
