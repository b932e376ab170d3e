"""Request and response models of the HTTP API (Create = input, Public = output)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

MAX_QUERY_CHARS = 1000
MAX_K = 100
MAX_WINDOW = 200  # offset + k: how deep paging reads into one ranking
WINDOW_MESSAGE = "offset + k is past the result window"


def clean_text(value: str) -> str:
    """NFC, no control characters, trimmed: what the engine sees is what the user meant."""
    value = unicodedata.normalize("NFC", value)
    return "".join(c for c in value if c in "\t\n" or unicodedata.category(c)[0] != "C").strip()


def _non_empty(value: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValueError("the query is empty")
    return value


QueryText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_QUERY_CHARS, description="the question or keywords"),
    AfterValidator(_non_empty),
]


class FiltersCreate(BaseModel):
    lang: Literal["auto", "en", "es"] = Field("auto", description="query language; auto detects it")
    doc_lang: Literal["en", "es"] | None = Field(None, description="only passages of documents in this language")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_ids: list[str] | None = Field(None, max_length=100)
    include_superseded: bool = Field(False, description="also older versions of revised documents")
    understand: bool = Field(
        True, description="read a date or meeting in the question as a soft preference (false: ignore it)"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class SearchCreate(FiltersCreate):
    # a misspelt field in a JSON body is refused (unknown_field), not silently ignored
    model_config = ConfigDict(extra="forbid")

    q: QueryText
    k: int = Field(10, ge=1, le=MAX_K, description="number of hits (the page size)")
    offset: int = Field(
        0, ge=0, lt=MAX_WINDOW, description=f"hits to skip (paging: the reply's `next`); offset + k ≤ {MAX_WINDOW}"
    )
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid"
    fusion: Literal["learned", "rrf"] = Field(
        "learned",
        description="hybrid ranking: learned (the ranking model, default) or rrf (reciprocal rank fusion, untrained)",
    )
    group: Literal["none", "document"] = Field(
        "none", description="document: one hit per document (its best passage), with the ids of its other passages"
    )
    translate_hits: bool = Field(
        False,
        description="add an unofficial machine translation (Apertium) of hits in the other language that have no "
        "translation in the asker's language; the quote itself is never replaced",
    )

    @model_validator(mode="after")
    def _inside_window(self) -> Self:
        if self.offset + self.k > MAX_WINDOW:
            raise ValueError(WINDOW_MESSAGE)
        return self


class SearchQuery(SearchCreate):
    """The same fields as query parameters: other parameters (error_lang, an export's citation) pass by."""

    model_config = ConfigDict(extra="ignore")


class AskCreate(FiltersCreate):
    model_config = ConfigDict(extra="forbid")

    q: QueryText
    k: int = Field(5, ge=1, le=20, description="passages read for the answer (also returned as hits)")


class DocumentCreate(BaseModel):
    """A communiqué sent as JSON (the multipart form takes the same fields plus `file`)."""

    text: str = Field(min_length=1, description="the body; Markdown or plain text, paragraphs split by blank lines")
    title: str = Field(min_length=1, max_length=500)
    lang: Literal["en", "es"] | None = Field(None, description="detected when omitted")
    date: dt.date | None = None
    doc_id: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
    source: str | None = Field(None, max_length=1000)
    source_url: str | None = Field(None, max_length=2000)
    translation_of: str | None = Field(None, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
    meeting: str | None = Field(None, max_length=500)
    working_group: str | None = Field(None, max_length=500)


class RefusalCreate(BaseModel):
    """A detected link the admin says is wrong: `other` is not this document's translation / version."""

    kind: Literal["translation", "revision"]
    other: str = Field(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")


class CitationPublic(BaseModel):
    doc_id: str
    title: str
    date: str | None
    section: str
    paragraph: int
    char_start: int
    char_end: int
    source: str
    source_url: str
    quote: str
    label: str


class TwinPublic(BaseModel):
    passage_id: str
    lang: str
    text: str
    citation: CitationPublic


class HitPublic(BaseModel):
    rank: int
    score: float
    scores: dict[str, float | None]
    ranks: dict[str, int | None]
    passage_id: str
    doc_id: str
    lang: str
    section: str
    text: str
    highlights: list[list[int]] = Field(description="[start, end) offsets into text of matched query terms")
    citation: CitationPublic
    twin: TwinPublic | None = None
    superseded_by: str | None = Field(None, description="a newer version of this document (include_superseded)")
    more_from_document: MorePublic | None = Field(None, description="group=document: the document's other passages")
    machine_translation: MachineTranslationPublic | None = Field(
        None, description="translate_hits: the passage in the asker's language, an unofficial machine translation"
    )


class MorePublic(BaseModel):
    count: int = Field(description="other passages of this document among the ranked candidates")
    passage_ids: list[str] = Field(description="their ids, best first")


class MachineTranslationPublic(BaseModel):
    lang: str
    text: str
    label: str = Field(description="always says it is an unofficial machine translation, in the asker's language")
    official: bool = False


class UnderstoodPublic(BaseModel):
    """A date or meeting read in the question: documents of it rank higher (a preference, not a filter)."""

    text: str = Field(description="the words of the question it was read from")
    date_from: str | None
    date_to: str | None
    meeting_number: int | None
    place: str | None = Field(None, description="a meeting's place named in the question (a header place)")
    remove: dict[str, bool] = Field(description="send these fields to search without the preference")


class QueryTranslationPublic(BaseModel):
    """The query as the lexical retriever also searched it, in the other language (Apertium)."""

    lang: str
    text: str
    known: float = Field(description="share of the query's words the translator knew")
    glossary: list[str] = Field(description="forms taken from the glossary instead of the translator")
    label: str = "unofficial machine translation"


class SearchPublic(BaseModel):
    query: str
    lang: str
    lang_confidence: float
    analyzed_with: list[str]
    mode: str
    fusion: str
    k: int
    took_ms: float
    index_version: str
    hits: list[HitPublic]
    offset: int = Field(0, description="hits skipped before this page; `rank` counts from the top of the ranking")
    total: int = Field(0, description="hits ranked up to the end of this page (a lower bound when total_relation=gte)")
    total_relation: Literal["eq", "gte"] = Field(
        "eq", description="eq: `total` is every hit there is; gte: there may be more (ask for `next`)"
    )
    next: int | None = Field(None, description="the offset of the next page; null on the last page")
    group: str = "none"
    translation: QueryTranslationPublic | None = None
    understood: UnderstoodPublic | None = None


class PassagePublic(BaseModel):
    passage_id: str
    doc_id: str
    lang: str
    section: str
    ordinal: int
    char_start: int
    char_end: int
    text: str
    citation: CitationPublic
    index_version: str


class DocumentBase(BaseModel):
    """Fields every document response shares."""

    doc_id: str
    lang: str
    title: str
    date: str | None
    source: str
    source_url: str
    translation_of: str | None
    meta: dict[str, str]


class DocumentPublic(DocumentBase):
    translations: list[str]
    passages: int
    superseded_by: str | None = Field(None, description="the next newer version, when this one was revised")
    supersedes: str | None = Field(None, description="the older version this one replaces")


class DocumentsPublic(BaseModel):
    index_version: str
    documents: list[DocumentPublic]


class ErrorPublic(BaseModel):
    """Every 4xx/5xx body: branch on `code` (stable, listed in the OpenAPI); show `detail` (English or Spanish)."""

    code: str = Field(description="stable error code, e.g. query_empty, k_out_of_range, index_not_ready")
    detail: str = Field(description="the message in the asker's language (Accept-Language, or the request's lang)")
    field: str | None = Field(None, description="the request field at fault, when one is")


class QuotePublic(BaseModel):
    text: str
    lang: str
    passage_id: str
    char_start: int = Field(description="offset into the document body")
    char_end: int
    citation: CitationPublic


class PhrasePublic(BaseModel):
    text: str
    char_start: int = Field(description="offset into the document body, inside the answer quote")
    char_end: int


class AnswerPublic(BaseModel):
    question: str
    lang: str
    answered: bool = Field(description='true at the levels "answer" and "likely": the quote is shown as the answer')
    level: Literal["answer", "likely", "not_found", "not_a_question"] = Field(
        description='"answer": the quote answers (confidence at or above the operating point); "likely": more '
        'likely right than not (confidence >= 0.5), check the passage; "not_found": not found in the '
        'communiqués (confidence < 0.5); "not_a_question": a keyword search, no answer card'
    )
    confidence: float = Field(
        ge=0, le=1, description="calibrated probability that the quote contains the answer (the quote, answered or not)"
    )
    answerable: float | None = Field(
        None, ge=0, le=1, description="calibrated probability that the communiqués answer the question at all"
    )
    confidence_level: Literal["high", "medium", "low"] = Field(
        description="the confidence in words: high >= 0.9, medium >= 0.5, low < 0.5"
    )
    message: str | None = Field(
        None, description='"not found in the communiqués" below 0.5; the keyword-search note for a keyword search'
    )
    answer: QuotePublic | None = Field(None, description="the quoted sentence that answers, with its citation")
    twin: QuotePublic | None = Field(None, description="the same sentence in the other language, when aligned")
    best_guess: QuotePublic | None = Field(None, description="the best sentence found when not answered")
    kind: str = Field("other", description="what the question asks for: date, number, person, place, instrument, ...")
    phrase: PhrasePublic | None = Field(None, description="the answer phrase (date, number, name) inside the quote")
    more: list[QuotePublic] = Field(default_factory=list, description="list answers: further quotes, ranked")
    took_ms: float
    index_version: str
    hits: list[HitPublic]
    understood: UnderstoodPublic | None = None
