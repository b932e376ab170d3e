"""What crosses the search stages: options, filters, the candidates `retrieve` gives `rank`, and the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from indexer.retrieval.grouping import GROUPS
from indexer.retrieval.querylang import QueryLanguage
from indexer.retrieval.when import Understood
from indexer.translate import Translation
from indexer.types import SearchHit

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["rrf", "weighted", "learned"]
MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")
FUSIONS: tuple[str, ...] = ("rrf", "weighted", "learned")


@dataclass(frozen=True)
class FusionConfig:
    """How a search fuses its retrievers' evidence: methods, weights, normalizations and depths.

    Every default was chosen on dev splits by a rule written before the runs; how each number was
    reached, with the dev and test figures, is in eval/README.md ("How the fusion defaults were chosen").
    """

    rrf_k: int = 30
    rrf_weights: tuple[float, float] = (0.5, 1.0)  # (bm25, dense)
    weights: tuple[float, float] = (0.3, 0.7)  # (bm25, dense) for the weighted combination (see sentence_dense_mixed)
    cross_lang_bm25: float = 0.3  # lexical evidence on a passage in the other language counts less
    min_depth: int = 100
    depth_factor: int = 10
    glossary: bool = True  # expand lexical queries with bilingual glossary terms
    glossary_boost: float = 0.5
    # BM25 on the query's machine translation (indexer.translate), on passages in the
    # other language; its weight is scaled by the share of query words the translator knew
    translate: bool = True
    translate_alternatives: bool = False  # every dictionary translation of each word, not only the chosen one
    # what the translated BM25 searches: "full" MT text (default) or "lexical" (the target lemmas,
    # a third of Apertium's stages). XQuAD dev unlinked, en-es/es-en mean nDCG@10: full ahead at
    # all 48 settings of a grid around the cross-language profile (median +0.0014; at the profile
    # 0.9767 vs 0.9750), for +2.6 ms cold p50 per cross-language search (lexical: +1.1 ms)
    bm25_translation: str = "full"
    translated_bm25: float = 0.7  # weight in weighted fusion, cross-language search (filtered to the other language)
    # the same in BM25 mode, where hybrid's 0.7 is too high without the translations' vectors
    translated_bm25_lexical: float = 0.3
    # the same without a language filter, or when a twin lends evidence; at 0 the query is not
    # translated for such searches at all
    translated_bm25_mixed: float = 1.0  # see doc_mt_dense_mixed
    rrf_translated: float = 0.25  # weight in RRF
    normalization: str = "minmax"  # weighted fusion: one of fusion.NORMALIZATIONS
    bm25_floor: float = 0.0  # fixed floors of the "floor" normalization
    dense_floor: float = 0.6
    # a cross-language search with a translated query has its own weighted-fusion profile: the
    # original query's BM25 matches little in the other language, the translation's a lot more
    cross_weights: tuple[float, float] = (0.3, 0.7)  # (bm25, dense)
    cross_normalization: str = "zscore"
    # dense evidence from the query's full translation, truly cross-language searches only
    # (indexer.retrieval.crosslang): "full" encodes the translation as a second dense query,
    # fused at weight translated_dense. A second encoding costs more than the latency budget
    # and adds nothing measurable in hybrid search on XQuAD dev, so it is "off" by default.
    dense_translation: str = "off"
    translated_dense: float = 0.5
    # BM25 of the original query over the passages' machine translations into its language, made
    # at build time (indexer.index.doc_mt): `doc_mt` retrieves it (when the snapshot has them),
    # fused at doc_mt_bm25 in a truly cross-language search; doc_mt_bm25_mixed elsewhere (at 0 it is
    # not retrieved there at all)
    doc_mt: bool = True
    doc_mt_bm25: float = 0.2
    doc_mt_bm25_mixed: float = 1.0
    rrf_doc_mt: float = 0.25
    # the query's own vector against the dense vectors of those translations (indexer.index.doc_mt_vectors;
    # no encoding at query time, one more ANN search), fused at doc_mt_dense in a truly cross-language
    # search and doc_mt_dense_mixed elsewhere; at 0 it is not retrieved there. RRF: rrf_doc_mt_dense
    doc_mt_dense: float = 1.0
    # Unfiltered searches: doc_mt_dense_mixed, doc_mt_bm25_mixed and translated_bm25_mixed are the factors of
    # the translations' evidence standing in for the original's (mixed_combine "max", indexer.retrieval.stand_in),
    # each list on the original list's scale, for passages with no aligned twin (a twin lends its own
    # evidence). At 1.0 no stand-in can pass the original list's best.
    doc_mt_dense_mixed: float = 1.0
    # how those three join the original evidence in unfiltered searches (indexer.retrieval.stand_in.COMBINES):
    # "max", the best of the original and each stand-in per kind, or "sum" (each list weighted and added)
    mixed_combine: str = "max"
    rrf_doc_mt_dense: float = 0.0
    # each candidate's best sentence similarity to the query's vector (indexer.retrieval.sentence_evidence:
    # the snapshot's sentence table, no encoding), fused at sentence_dense in a truly cross-language
    # search and sentence_dense_mixed elsewhere (same-language, unfiltered); at 0 it is not computed
    sentence_dense: float = 2.0
    # elsewhere off: it lowered same-language cells on XQuAD
    sentence_dense_mixed: float = 0.0
    # a date or meeting named in the question (indexer.retrieval.when) multiplies the fused score
    # of that date's or meeting's documents by 1 + date_boost: a preference, never a filter
    # (1.0: the least boost that puts the asked communiqué first for 90% of the dated dev questions)
    date_boost: float = 1.0
    # the boost when the date is only context: inside a clause describing a noun ("the campaign
    # launched in June 1998", indexer.retrieval.when.is_context); at 0 nothing is preferred and
    # the response shows no understood date
    context_date_boost: float = 0.0
    # in a search filtered to another language, the general profile's min-max of BM25 tops out at the query
    # language's best BM25 over the whole index (indexer.retrieval.lending), so a weak match's lent score
    # does not count as the best there is when the best has no twin. Off, the search does not look for that
    # best passage at all
    lending_scale: bool = True
    # the factor of a dense score a twin lends in a search filtered to another language: a same-language
    # cosine competing with the other passages' cross-language ones, which run lower for the same relation;
    # elsewhere twins.TWIN_DISCOUNT
    lent_dense_across: float = 0.98


@dataclass(frozen=True)
class SearchFilters:
    doc_lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    doc_ids: tuple[str, ...] | None = None
    include_superseded: bool = False  # older versions of a revised document (indexer.index.revisions) too
    understand: bool = True  # read a date or meeting in the query as a soft preference

    def active(self) -> bool:
        return any(v is not None for v in (self.doc_lang, self.date_from, self.date_to, self.doc_ids))


@dataclass
class SearchResult:
    query: str
    lang: QueryLanguage
    mode: str
    fusion: str
    k: int
    version: str
    took_ms: float
    hits: list[SearchHit] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)  # ms per stage (indexer.laps)
    translation: Translation | None = None  # the query's machine translation, when lexical search used one
    group: str = "none"
    understood: Understood | None = None  # the date or meeting read in the query, preferred in ranking
    others: dict[str, list[str]] = field(default_factory=dict)  # group=document: passage id -> its document's others


class UnknownSearchOption(ValueError):
    """A mode or fusion method that does not exist; the message lists the ones that do."""


def check_options(mode: str, fusion_method: str | None = None, group: str = "none") -> None:
    if group not in GROUPS:
        raise UnknownSearchOption(f"unknown group {group!r}: use one of {', '.join(GROUPS)}")
    if mode not in MODES:
        raise UnknownSearchOption(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    if fusion_method is not None and fusion_method not in FUSIONS:
        raise UnknownSearchOption(f"unknown fusion {fusion_method!r}: use one of {', '.join(FUSIONS)}")


@dataclass
class Candidates:
    """What the retrievers found for one query, before fusion: the input of `rank`.

    Scores are by passage row; twins' evidence is already propagated and filters applied.
    `extra` holds exact dense similarities of lexical-only candidates (hybrid mode): weighted
    fusion weighs them and every hit reports them, but they are not dense *retrieval* results."""

    query: str
    lang: QueryLanguage
    mode: str
    k: int
    filters: SearchFilters
    lexical: dict[int, float] = field(default_factory=dict)
    dense: dict[int, float] = field(default_factory=dict)
    extra: dict[int, float] = field(default_factory=dict)
    cross: dict[int, float] = field(default_factory=dict)  # per-row weight of other-language lexical evidence
    translated: dict[int, float] = field(default_factory=dict)  # BM25 of the translated query, target language
    dense_translated: dict[int, float] = field(default_factory=dict)  # dense retrieval of the full translation
    doc_mt: dict[int, float] = field(default_factory=dict)  # BM25 of the query over passages' translations
    doc_mt_dense: dict[int, float] = field(default_factory=dict)  # the query's vector against theirs
    sentence: dict[int, float] = field(default_factory=dict)  # best sentence similarity of every candidate
    translation: Translation | None = None
    understood: Understood | None = None
    preferred: frozenset[str] = frozenset()  # documents of the understood date or meeting
    lent: frozenset[int] = frozenset()  # rows whose lexical score an aligned twin lent
    lexical_top: float = 0.0  # filtered to another language: the query language's best BM25 (retrieval.lending)
