"""Turn search results into the JSON shape shared by the API and `bnc search --json`."""

from __future__ import annotations

from typing import Any

from indexer.answers.answer import LIKELY, Answer, Quote
from indexer.retrieval.quote_mt import LABEL
from indexer.retrieval.search import SearchResult
from indexer.translate import Translation
from indexer.types import SearchHit

HIGH_CONFIDENCE = 0.9  # calibrated: nine in ten answers at this confidence contain the answer


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    p = hit.passage
    out: dict[str, Any] = {
        "rank": hit.rank,
        "score": hit.score,
        "scores": hit.scores,
        "ranks": hit.ranks,
        "passage_id": p.passage_id,
        "doc_id": p.doc_id,
        "lang": p.lang,
        "section": p.section,
        "text": p.text,
        "highlights": [list(span) for span in hit.highlights],
        "citation": hit.citation.to_dict(),
        "superseded_by": hit.superseded_by,
        "more_from_document": None,  # filled in by result_to_dict (group=document)
        "machine_translation": None,  # filled in when translate_hits asks for it
    }
    if hit.twin is not None and hit.twin_citation is not None:
        out["twin"] = {
            "passage_id": hit.twin.passage_id,
            "lang": hit.twin.lang,
            "text": hit.twin.text,
            "citation": hit.twin_citation.to_dict(),
        }
    return out


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "query": result.query,
        "lang": result.lang.lang,
        "lang_confidence": result.lang.confidence,
        "analyzed_with": list(result.lang.analyze_with),
        "mode": result.mode,
        "fusion": result.fusion,
        "k": result.k,
        "took_ms": result.took_ms,
        "index_version": result.version,
        "hits": [hit_to_dict(h) for h in result.hits],
        "group": result.group,
        "translation": translation_to_dict(result),
        "understood": {**result.understood.to_dict(), "remove": {"understand": False}} if result.understood else None,
    }
    if result.group == "document":
        for hit in out["hits"]:
            rest = result.others.get(hit["passage_id"], [])
            hit["more_from_document"] = {"count": len(rest), "passage_ids": rest}
    return out


def add_machine_translations(out: dict[str, Any], translations: dict[str, Translation]) -> None:
    """Each translated hit gets `machine_translation`, labeled, next to (never instead of) its text."""
    for hit in out["hits"]:
        t = translations.get(hit["passage_id"])
        if t is not None:
            hit["machine_translation"] = {"lang": t.target, "text": t.text, "label": LABEL[t.target], "official": False}


def translation_to_dict(result: SearchResult) -> dict[str, Any] | None:
    t = result.translation
    if t is None:
        return None
    label = "unofficial machine translation"
    return {"lang": t.target, "text": t.text, "known": t.known, "glossary": list(t.glossary), "label": label}


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "text": quote.text,
        "lang": quote.passage.lang,
        "passage_id": quote.passage.passage_id,
        "char_start": quote.char_start,
        "char_end": quote.char_end,
        "citation": quote.citation.to_dict(),
    }


def confidence_level(confidence: float) -> str:
    """Plain words for the calibrated probability that the quote contains the answer: 'high' from
    HIGH_CONFIDENCE, 'medium' from LIKELY (more likely right than not), 'low' below it. Read from the
    probability alone, so the words never contradict the number (0.93 is never 'low')."""
    if confidence >= HIGH_CONFIDENCE:
        return "high"
    return "medium" if confidence >= LIKELY else "low"


def phrase_to_dict(answer: Answer) -> dict[str, Any] | None:
    if answer.phrase is None or answer.quote is None or not answer.answered:
        return None
    start, end = answer.phrase
    q = answer.quote
    return {"text": q.text[start - q.char_start : end - q.char_start], "char_start": start, "char_end": end}


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    search = result_to_dict(answer.search)
    return {
        "question": answer.question,
        "lang": answer.lang,
        "answered": answer.answered,
        "confidence": answer.confidence,
        "confidence_level": confidence_level(answer.confidence),
        "level": answer.level,
        "answerable": answer.answerable,
        "message": answer.message or None,
        "answer": quote_to_dict(answer.quote) if answer.answered and answer.quote else None,
        "twin": quote_to_dict(answer.twin) if answer.answered and answer.twin else None,
        "best_guess": quote_to_dict(answer.quote) if not answer.answered and answer.quote else None,
        "kind": answer.kind,
        "phrase": phrase_to_dict(answer),
        "more": [quote_to_dict(q) for q in answer.more] if answer.answered else [],
        "took_ms": search["took_ms"],
        "index_version": search["index_version"],
        "hits": search["hits"],
        "understood": search["understood"],
    }
