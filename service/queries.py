"""Search and ask as use cases: request models in, response dicts out (routes and the CLI both call these)."""

from __future__ import annotations

from typing import Any

from indexer.answers.answer import Answerer
from indexer.retrieval.quote_mt import translate_hits
from indexer.retrieval.search import Searcher, SearchFilters
from service.presenters import add_machine_translations, answer_to_dict, result_to_dict
from service.schemas import MAX_WINDOW, AskCreate, FiltersCreate, SearchCreate


def filters_from(body: FiltersCreate) -> SearchFilters:
    return SearchFilters(
        doc_lang=body.doc_lang,
        date_from=body.date_from.isoformat() if body.date_from else None,
        date_to=body.date_to.isoformat() if body.date_to else None,
        doc_ids=tuple(body.doc_ids) if body.doc_ids is not None else None,
        include_superseded=body.include_superseded,
        understand=body.understand,
    )


def run_search(searcher: Searcher, body: SearchCreate) -> dict[str, Any]:
    """One page of hits: the ranking of the top offset + k, from `offset` on, with `total` and `next`."""
    end = body.offset + body.k
    result = searcher.search(
        body.q,
        k=end,
        mode=body.mode,
        lang=body.lang,
        filters=filters_from(body),
        fusion_method=body.fusion,
        group=body.group,
    )
    # a full window may have more behind it: `next` offers the following page (which may be empty)
    ranked = len(result.hits)
    full = ranked >= end
    result.hits = result.hits[body.offset : end]
    result.k = body.k
    out = result_to_dict(result)
    out.update(
        offset=body.offset,
        total=ranked,
        total_relation="gte" if full else "eq",
        next=end if full and end < MAX_WINDOW else None,
    )
    if body.translate_hits:
        add_machine_translations(out, translate_hits(result, searcher.translator, searcher.snapshot.doc_mt_texts))
    return out


def run_ask(answerer: Answerer, body: AskCreate) -> dict[str, Any]:
    answer = answerer.ask(body.q, lang=body.lang, filters=filters_from(body), k=body.k)
    return answer_to_dict(answer)
