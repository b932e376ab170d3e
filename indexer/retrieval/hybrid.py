"""Hybrid fusion of one query's candidates: the weighted profile for the search, then weighted or RRF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.retrieval import fusion, stand_in
from indexer.retrieval.lending import on_lending_scale

if TYPE_CHECKING:
    from indexer.retrieval.stages import Candidates, FusionConfig

__all__ = [
    "doc_mt_dense_weight",
    "doc_mt_weight",
    "fuse",
    "fuse_lexical",
    "lent_by_twin",
    "profile",
    "sentence_weight",
]


def _reliability(candidates: Candidates) -> float:
    """How much the translated query's evidence counts: the share of its words the translator knew."""
    return candidates.translation.known if candidates.translation is not None else 0.0


def _normalizers(config: FusionConfig, name: str) -> dict[str, fusion.Normalize]:
    floors = {"bm25": config.bm25_floor, "translated": config.bm25_floor, "dense": config.dense_floor}
    floors["dense_translated"] = config.dense_floor
    floors["doc_mt"] = config.bm25_floor
    floors["doc_mt_dense"] = config.dense_floor
    floors["sentence"] = config.dense_floor
    return {retriever: fusion.normalizer(name, floor) for retriever, floor in floors.items()}


def _lending(candidates: Candidates, config: FusionConfig, name: str) -> dict[str, fusion.Normalize]:
    """The normalizers, with BM25's on the lending language's scale where it applies (indexer.retrieval.lending)."""
    normalizers = _normalizers(config, name)
    scaled = on_lending_scale(candidates.lexical_top, name) if config.lending_scale and not _cross(candidates) else None
    if scaled is not None:
        normalizers["bm25"] = scaled
    return normalizers


def profile(candidates: Candidates, config: FusionConfig) -> tuple[tuple[float, float], str, float]:
    """(bm25/dense weights, normalization, translated-query weight) of weighted fusion for this search:
    the cross-language profile for a search filtered to the other language whose lexical
    evidence is the other language's own, the general one otherwise."""
    if not candidates.translated and not candidates.doc_mt and not candidates.doc_mt_dense:
        return config.weights, config.normalization, 0.0
    if not _cross(candidates):
        return config.weights, config.normalization, config.translated_bm25_mixed
    return config.cross_weights, config.cross_normalization, config.translated_bm25


def _cross(candidates: Candidates) -> bool:
    return candidates.filters.doc_lang is not None and not lent_by_twin(candidates)


def sentence_weight(candidates: Candidates, config: FusionConfig) -> float:
    """Weight of the candidates' best-sentence similarity: sentence_dense in the cross-language
    profile, sentence_dense_mixed in the general one (same-language, unfiltered, twin-lent)."""
    cross = bool(candidates.translated or candidates.doc_mt or candidates.doc_mt_dense) and _cross(candidates)
    return config.sentence_dense if cross else config.sentence_dense_mixed


def doc_mt_weight(candidates: Candidates, config: FusionConfig) -> float:
    """Weight of the query's BM25 over the passages' machine translations, in this search's profile."""
    return config.doc_mt_bm25 if _cross(candidates) else config.doc_mt_bm25_mixed


def doc_mt_dense_weight(candidates: Candidates, config: FusionConfig) -> float:
    """Weight of the query's vector against the passages' translations' vectors, in this search's profile."""
    return config.doc_mt_dense if _cross(candidates) else config.doc_mt_dense_mixed


def lent_by_twin(candidates: Candidates) -> bool:
    """Whether the original query's best lexical evidence was lent by an aligned twin in the
    query's language: then the search is not truly cross-language, and the general profile
    (which trusts that evidence) applies."""
    if not candidates.lexical or not candidates.lent:
        return False
    best = max(candidates.lexical.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    return best in candidates.lent


def fuse_lexical(candidates: Candidates, config: FusionConfig) -> dict[int, float]:
    """BM25 mode with a translated query: the two lexical lists, weighted as in hybrid fusion."""
    weights, norm, translated_w = profile(candidates, config)
    if _cross(candidates):
        translated_w = config.translated_bm25_lexical
    weights_by = {"bm25": weights[0], "translated": translated_w * _reliability(candidates)}
    scores = {"bm25": candidates.lexical, "translated": candidates.translated}
    if candidates.doc_mt:
        weights_by["doc_mt"], scores["doc_mt"] = doc_mt_weight(candidates, config), candidates.doc_mt
    normalizers = _normalizers(config, norm)
    _on_original_scales(candidates, norm, scores, normalizers)
    if _stands_in(candidates, config):
        lexical = _lexical_channel(candidates, scores, weights_by, normalizers)
        return stand_in.combine(lexical, None, weights)
    return fusion.weighted(scores, weights_by, {"bm25": candidates.cross}, normalizers)


def _stands_in(candidates: Candidates, config: FusionConfig) -> bool:
    """Whether translation evidence stands in for the original's (mixed_combine "max") in this search."""
    return config.mixed_combine == "max" and not _cross(candidates)


def _lexical_channel(
    candidates: Candidates,
    scores: dict[str, dict[int, float]],
    weights: dict[str, float],
    normalizers: dict[str, fusion.Normalize],
) -> stand_in.Channel:
    """The original query's normalized BM25 (other-language matches at cross_lang_bm25), and the translated
    query's and the translations' BM25 as stand-ins, each with its weight as the factor."""
    cross = candidates.cross
    original = {r: s * cross.get(r, 1.0) for r, s in normalizers["bm25"](scores["bm25"]).items()}
    names = [n for n in ("translated", "doc_mt") if scores.get(n)]
    return original, [(normalizers[n](scores[n]), weights[n]) for n in names]


def _on_original_scales(
    candidates: Candidates, norm: str, scores: dict[str, dict[int, float]], normalizers: dict[str, fusion.Normalize]
) -> None:
    """Outside a truly cross-language search, the translation evidence holds only the other language's rows:
    on its own min-max its best, however weak, gets full weight (a two-document archive ranked an unrelated
    English note first for "tratado de aguas"). On the original query's list's scale of the same kind (BM25
    for the translated query and the translations' BM25, the dense list for the translations' vectors) it
    weighs what its score is worth."""
    if _cross(candidates) or norm != "minmax":
        return
    for name, reference in (("translated", "bm25"), ("doc_mt", "bm25"), ("doc_mt_dense", "dense")):
        if scores.get(name) and scores.get(reference):
            normalizers[name] = fusion.on_scale_of(scores[reference])


def _stand_in_fusion(
    candidates: Candidates,
    scores: dict[str, dict[int, float]],
    weights: dict[str, float],
    normalizers: dict[str, fusion.Normalize],
    split: tuple[float, float],
) -> dict[int, float]:
    """Weighted fusion where each kind of evidence is the best of the original and its stand-ins; the
    sentence evidence (when weighted) is added as in the summed fusion."""
    lexical = _lexical_channel(candidates, scores, weights, normalizers)
    vectors = scores.get("doc_mt_dense")
    stand_ins = [(normalizers["doc_mt_dense"](vectors), weights["doc_mt_dense"])] if vectors else []
    fused = stand_in.combine(lexical, (normalizers["dense"](scores["dense"]), stand_ins), split)
    if "sentence" in scores:
        for row, s in normalizers["sentence"](scores["sentence"]).items():
            fused[row] = fused.get(row, 0.0) + weights["sentence"] * s
    return fused


def fuse(candidates: Candidates, method: str, config: FusionConfig) -> dict[int, float]:
    """Hybrid fusion of one query's candidates: weighted normalized scores, or reciprocal rank fusion."""
    item_weights = {"bm25": candidates.cross}
    lexical, dense, translated = candidates.lexical, candidates.dense, candidates.translated
    reliability = _reliability(candidates)
    if method == "weighted":
        (w_bm25, w_dense), norm, translated_w = profile(candidates, config)
        weights = {"bm25": w_bm25, "dense": w_dense}
        scores = {"bm25": lexical, "dense": {**dense, **candidates.extra}}
        if candidates.dense_translated:
            weights["dense_translated"] = config.translated_dense
            scores["dense_translated"] = candidates.dense_translated
        sentence_w = sentence_weight(candidates, config) if candidates.sentence else 0.0
        if not translated and not candidates.doc_mt and not candidates.doc_mt_dense and not sentence_w:
            return fusion.weighted(scores, weights, item_weights, _lending(candidates, config, norm))
        base = sum(weights.values())
        if sentence_w:
            weights["sentence"], scores["sentence"] = sentence_w, candidates.sentence
        if translated:
            weights["translated"] = translated_w * reliability
            scores["translated"] = translated
        if candidates.doc_mt:
            weights["doc_mt"], scores["doc_mt"] = doc_mt_weight(candidates, config), candidates.doc_mt
        if candidates.doc_mt_dense:
            weights["doc_mt_dense"] = doc_mt_dense_weight(candidates, config)
            scores["doc_mt_dense"] = candidates.doc_mt_dense
        normalizers = _lending(candidates, config, norm)
        _on_original_scales(candidates, norm, scores, normalizers)
        total = sum(weights.values())
        if _stands_in(candidates, config):
            fused = _stand_in_fusion(candidates, scores, weights, normalizers, (w_bm25, w_dense))
            total = base + weights.get("sentence", 0.0)  # the stand-ins add no weight of their own
        else:
            fused = fusion.weighted(scores, weights, item_weights, normalizers)
        # scaled back to the weights' sum without translation or sentence evidence: scores keep their range
        scale = base / total if total > 0 else 1.0
        return {r: v * scale for r, v in fused.items()}
    rankings = {
        "bm25": [r for r, _ in fusion.top(lexical, len(lexical))],
        "dense": [r for r, _ in fusion.top(dense, len(dense))],
    }
    weights = {"bm25": config.rrf_weights[0], "dense": config.rrf_weights[1]}
    if translated:
        rankings["translated"] = [r for r, _ in fusion.top(translated, len(translated))]
        weights["translated"] = config.rrf_translated * reliability
    if candidates.dense_translated:
        dense_translated = candidates.dense_translated
        rankings["dense_translated"] = [r for r, _ in fusion.top(dense_translated, len(dense_translated))]
        weights["dense_translated"] = config.translated_dense
    if candidates.doc_mt:
        rankings["doc_mt"] = [r for r, _ in fusion.top(candidates.doc_mt, len(candidates.doc_mt))]
        weights["doc_mt"] = config.rrf_doc_mt
    if candidates.doc_mt_dense and config.rrf_doc_mt_dense:
        rankings["doc_mt_dense"] = [r for r, _ in fusion.top(candidates.doc_mt_dense, len(candidates.doc_mt_dense))]
        weights["doc_mt_dense"] = config.rrf_doc_mt_dense
    return fusion.rrf(rankings, weights, config.rrf_k, item_weights)
