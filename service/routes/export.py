"""GET /api/search.csv and /api/search.jsonl: the hits of a search, with citations, for spreadsheets and scripts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from indexer.retrieval.search import Searcher
from service.citation_format import CitationFormat, format_citation
from service.deps import SearcherDep
from service.openapi import QUERY_CODES, SERVICE_CODES, error_responses
from service.queries import run_search
from service.schemas import SearchCreate, SearchQuery

router = APIRouter(prefix="/api", tags=["search"])
ERRORS = error_responses(*QUERY_CODES, "page_out_of_range", *SERVICE_CODES)
Citation = Annotated[CitationFormat, Query(description="label: the short label; bibliography: a full reference line")]
COLUMNS = (
    "rank", "score", "doc_id", "passage_id", "lang", "title", "date", "section", "paragraph",
    "char_start", "char_end", "citation", "source_url", "text",
)  # fmt: skip


def _body(media_type: str) -> dict[str, Any]:
    return {"description": "the hits, one per line", "content": {media_type: {"schema": {"type": "string"}}}}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INVISIBLE = re.compile(r"^[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]+")


def _hits(searcher: Searcher, params: SearchCreate, style: CitationFormat) -> list[dict[str, Any]]:
    result = run_search(searcher, params)
    docs = searcher.snapshot.documents
    for hit in result["hits"]:
        hit["citation_text"] = format_citation(docs.get(hit["doc_id"]), hit["citation"], style)
    return list(result["hits"])


def export_name(query: str, suffix: str, today: dt.date | None = None) -> str:
    """'bnc-search-border-crossing-cards-2026-12-07.csv': the query (ASCII, at most 60 characters) and the day."""
    ascii_query = unicodedata.normalize("NFKD", query).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_query).strip("-")[:60].strip("-") or "results"
    return f"bnc-search-{slug}-{(today or dt.date.today()).isoformat()}.{suffix}"


def safe_cell(value: Any) -> Any:
    """A spreadsheet runs a cell that starts like a formula: quote it so text stays text. Invisible
    and space characters before it do not hide it ('\u200b=...'), nor does a full-width sign
    ('＝...', which spreadsheets read as '=')."""
    if not isinstance(value, str):
        return value
    visible = unicodedata.normalize("NFKC", _INVISIBLE.sub("", value)[:8])
    return f"'{value}" if value.startswith(_FORMULA_START) or visible.startswith(_FORMULA_START[:4]) else value


def _row(hit: dict[str, Any]) -> list[Any]:
    cit = hit["citation"]
    values = {**hit, **{k: cit[k] for k in ("title", "date", "paragraph", "char_start", "char_end", "source_url")}}
    values["citation"] = hit["citation_text"]
    values["score"] = round(hit["score"], 6)
    return [safe_cell(values[c]) for c in COLUMNS]


@router.get("/search.csv", response_class=Response, responses={200: _body("text/csv"), **ERRORS})
async def search_csv(
    searcher: SearcherDep, params: Annotated[SearchQuery, Query()], citation: Citation = "label"
) -> Response:
    """The hits as CSV (UTF-8 with a byte-order mark, so spreadsheets read the accents), one row per passage."""
    hits = await run_in_threadpool(_hits, searcher, params, citation)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(h) for h in hits)
    headers = {"Content-Disposition": f'attachment; filename="{export_name(params.q, "csv")}"'}
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/search.jsonl", response_class=Response, responses={200: _body("application/jsonl"), **ERRORS})
async def search_jsonl(
    searcher: SearcherDep, params: Annotated[SearchQuery, Query()], citation: Citation = "label"
) -> Response:
    """The hits as JSON Lines: each line one hit exactly as /api/search returns it, plus `citation_text`."""
    hits = await run_in_threadpool(_hits, searcher, params, citation)
    body = b"".join(orjson.dumps(h) + b"\n" for h in hits)
    headers = {"Content-Disposition": f'attachment; filename="{export_name(params.q, "jsonl")}"'}
    return Response(body, media_type="application/jsonl; charset=utf-8", headers=headers)
