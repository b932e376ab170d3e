"""XQuAD en/es as a parallel retrieval set: one document per paragraph in each language."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eval.datasets.types import DatasetError, LabeledSet, Query
from indexer.types import Document

BOM = "\ufeff"
DEV_ARTICLES = 24  # articles 0-23 are dev, 24-47 test (the datasets README's convention)


@dataclass(frozen=True)
class Answer:
    text: str
    start: int


@dataclass(frozen=True)
class Question:
    qid: str
    text: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Paragraph:
    article: int
    index: int
    title: str
    context: str
    questions: tuple[Question, ...]


def read_squad(path: Path) -> list[Paragraph]:
    """Paragraphs of a SQuAD v1.1 file; a leading BOM is stripped and answer offsets shifted."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None
    out = []
    for ai, article in enumerate(data["data"]):
        for pi, para in enumerate(article["paragraphs"]):
            context: str = para["context"]
            shift = 0
            if context.startswith(BOM):
                context, shift = context[len(BOM) :], len(BOM)
            questions = tuple(
                Question(
                    str(qa["id"]),
                    str(qa["question"]),
                    tuple(Answer(str(a["text"]), int(a["answer_start"]) - shift) for a in qa["answers"]),
                )
                for qa in para["qas"]
            )
            out.append(Paragraph(ai, pi, str(article["title"]), context, questions))
    return out


def paragraphs_by_article(root: Path, lang: str) -> dict[int, list[str]]:
    """Each XQuAD article's paragraph texts in one language, in order (article number -> paragraphs)."""
    articles: dict[int, list[str]] = {}
    for para in read_squad(root / "xquad" / f"xquad.{lang}.json"):
        articles.setdefault(para.article, []).append(para.context)
    return articles


def doc_id(lang: str, para: Paragraph) -> str:
    return f"xquad-{lang}-{para.article:02d}-{para.index:02d}"


def _document(lang: str, para: Paragraph, translation_of: str | None) -> Document:
    return Document(
        doc_id=doc_id(lang, para),
        lang=lang,
        title=para.title,
        body=para.context,
        source="XQuAD (CC BY-SA 4.0)",
        translation_of=translation_of,
        meta={"article": str(para.article), "paragraph": str(para.index)},
        sha256=hashlib.sha256(para.context.encode()).hexdigest(),
    )


def load_xquad(root: Path) -> LabeledSet:
    """Every question is asked in both languages; its gold paragraph exists in both."""
    en = read_squad(root / "xquad" / "xquad.en.json")
    es = read_squad(root / "xquad" / "xquad.es.json")
    if len(en) != len(es):
        raise DatasetError(f"XQuAD files are not parallel: {len(en)} English and {len(es)} Spanish paragraphs")
    documents: list[Document] = []
    queries: list[Query] = []
    qrels: dict[str, dict[str, int]] = {}
    answers: dict[str, dict[str, str]] = {}
    for pe, ps in zip(en, es, strict=True):
        if (pe.article, pe.index) != (ps.article, ps.index) or [q.qid for q in pe.questions] != [
            q.qid for q in ps.questions
        ]:
            raise DatasetError(f"XQuAD files differ at article {pe.article} paragraph {pe.index}")
        en_doc = _document("en", pe, None)
        es_doc = _document("es", ps, en_doc.doc_id)
        documents += [en_doc, es_doc]
        split = "dev" if pe.article < DEV_ARTICLES else "test"
        for lang, para in (("en", pe), ("es", ps)):
            for q in para.questions:
                qid = f"{lang}-{q.qid}"
                queries.append(Query(qid, q.text, lang, split))
                qrels[qid] = {en_doc.doc_id: 1, es_doc.doc_id: 1}
        for qe, qs in zip(pe.questions, ps.questions, strict=True):
            gold = {"en": qe.answers[0].text, "es": qs.answers[0].text}
            answers[f"en-{qe.qid}"] = answers[f"es-{qs.qid}"] = gold
    return LabeledSet(
        name="xquad", documents=documents, queries=queries, level="document", doc_qrels=qrels, answers=answers
    )


def load_xquad_single(root: Path) -> LabeledSet:
    """Each paragraph indexed in one language only; each question asked in the other one.

    The archive as it first arrives: most communiqués exist in one language, and staff ask in
    theirs, usually without a language filter. Paragraphs alternate (article + paragraph index
    even: English only, odd: Spanish only), so both directions have about half; the one indexed
    version is the only relevant document. `mixed` is the unfiltered search (the page's default);
    `en-es` / `es-en` filter to the document's language. Same-language questions are xquad's."""
    full = load_xquad(root)
    kept = [
        d
        for d in full.documents
        if d.lang == ("en" if (int(d.meta["article"]) + int(d.meta["paragraph"])) % 2 == 0 else "es")
    ]
    # no paragraph has its translation here, so automatic pairing could only find wrong twins (a
    # neighbouring paragraph of the same article aligns at 0.86): every other-language document is refused
    others = {lang: ",".join(sorted(d.doc_id for d in kept if d.lang != lang)) for lang in ("en", "es")}
    documents = [replace(d, translation_of=None, meta={**d.meta, "not_translation_of": others[d.lang]}) for d in kept]
    by_id = {d.doc_id: d for d in documents}
    queries, qrels = [], {}
    for q in full.queries:
        relevant = [d for d in full.doc_qrels[q.qid] if d in by_id]
        if len(relevant) == 1 and by_id[relevant[0]].lang != q.lang:
            queries.append(q)
            qrels[q.qid] = {relevant[0]: 1}
    return LabeledSet(
        name="xquad-single",
        documents=documents,
        queries=queries,
        level="document",
        doc_qrels=qrels,
        directions=("mixed", "en-es", "es-en"),
        answers={q.qid: full.answers[q.qid] for q in queries if q.qid in full.answers},
        notes=["each paragraph indexed in one language only; every question asked in the other language"],
    )
