"""Translation pairs found automatically, and paragraphs left unpaired where versions differ."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from indexer.encoders import Encoder
from indexer.index.align import align_pair
from indexer.index.build import build_index
from indexer.index.pairing import PAIR_THRESHOLD, detect_links
from indexer.index.snapshot import open_snapshot
from indexer.ingest.splitter import split_document
from indexer.types import Document, Passage
from tests.conftest import EN_DOC, ES_DOC

UNRELATED_ES = """XXI COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS
12 DE NOVIEMBRE DE 2004

GRUPO DE TRABAJO SOBRE MEDIO AMBIENTE Y RECURSOS NATURALES

Agua: Las delegaciones revisaron el cumplimiento del Tratado de Aguas de 1944 y acordaron un calendario \
de entregas en la cuenca del río Bravo.

Calidad del aire: Ambos gobiernos ampliarán la red de estaciones de monitoreo en Ciudad Juárez y El Paso.

Residuos: Se acordó un programa conjunto para retirar llantas usadas de los tiraderos fronterizos.
"""


def _unlinked(docs: dict[str, Document]) -> list[Document]:
    return [dataclasses.replace(d, translation_of=None) for d in (docs[EN_DOC], docs[ES_DOC])]


def _vectors(docs: list[Document], encoder: Encoder) -> tuple[list[Passage], np.ndarray]:
    passages = [p for d in docs for p in split_document(d)]
    return passages, encoder.encode_passages([p.text for p in passages])


def _paras(doc: Document) -> list[str]:
    return [p.text for p in split_document(doc) if p.ordinal]


def test_communiques_without_links_are_paired_and_an_unrelated_one_is_not(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    other = Document("medio-ambiente-2004-es", "es", "Medio ambiente", UNRELATED_ES, date="2004-11-12")
    undated = [dataclasses.replace(d, date=None) for d in _unlinked(docs_by_id)]  # by similarity alone
    for docs in (_unlinked(docs_by_id), undated):
        passages, vectors = _vectors([*docs, other], encoder)
        links = detect_links([*docs, other], passages, vectors, set())
        assert [(link.a, link.b) for link in links] == [(EN_DOC, ES_DOC)]
        assert links[0].score >= PAIR_THRESHOLD


def test_a_hand_given_link_wins_and_a_refused_link_is_not_made(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    en, es = _unlinked(docs_by_id)
    passages, vectors = _vectors([en, es], encoder)
    assert detect_links([en, es], passages, vectors, {ES_DOC, "other-en"}) == []  # es already has its twin
    refused = dataclasses.replace(es, meta={**es.meta, "not_translation_of": EN_DOC})
    assert detect_links([en, refused], passages, vectors, set()) == []


def test_two_dates_that_differ_are_never_paired(docs_by_id: dict[str, Document], encoder: Encoder) -> None:
    en, es = _unlinked(docs_by_id)
    es = dataclasses.replace(es, date="2003-11-26")
    passages, vectors = _vectors([en, es], encoder)
    assert detect_links([en, es], passages, vectors, set()) == []


def test_a_partial_translation_leaves_the_extra_paragraphs_unpaired(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    """Six English paragraphs against three Spanish ones (1, 2 and 5): 3, 4 and 6 have no twin."""
    en = _paras(docs_by_id[EN_DOC])[:6]
    es = [_paras(docs_by_id[ES_DOC])[i] for i in (0, 1, 4)]
    a, b = encoder.encode_passages(en), encoder.encode_passages(es)
    beads = align_pair(a, b)
    assert beads == [([0], [0]), ([1], [1]), ([4], [2])]


def test_detected_links_reach_the_index(tmp_path: Path, docs_by_id: dict[str, Document], encoder: Encoder) -> None:
    build_index(_unlinked(docs_by_id), tmp_path / "index", encoder)
    snapshot = open_snapshot(tmp_path / "index")
    assert snapshot.doc_twins == {EN_DOC: {ES_DOC}, ES_DOC: {EN_DOC}}
    assert snapshot.detected_links[EN_DOC][0] == ES_DOC and snapshot.detected_links[EN_DOC][1] >= PAIR_THRESHOLD
    assert len(snapshot.twins) >= 36  # nearly every paragraph of both versions has its twin
    for row, twins in snapshot.twins.items():
        p, t = snapshot.passages[row], snapshot.passages[twins[0]]
        assert p.lang != t.lang and p.ordinal == t.ordinal


@pytest.mark.parametrize("n", [1, 2])
def test_short_documents_pair_too(docs_by_id: dict[str, Document], encoder: Encoder, n: int) -> None:
    en = Document("short-en", "en", "", "\n\n".join(_paras(docs_by_id[EN_DOC])[1 : 1 + n]))
    es = Document("short-es", "es", "", "\n\n".join(_paras(docs_by_id[ES_DOC])[1 : 1 + n]))
    passages, vectors = _vectors([en, es], encoder)
    assert [(x.a, x.b) for x in detect_links([en, es], passages, vectors, set())] == [("short-en", "short-es")]


def test_links_of_unchanged_documents_are_reused_and_match_a_full_detection(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    from indexer.index.pairing import Reuse, link_rows

    en, es = _unlinked(docs_by_id)
    other = Document("medio-ambiente-2004-es", "es", "Medio ambiente", UNRELATED_ES, date="2004-11-12")
    everything = [en, es, other]
    passages, vectors = _vectors(everything, encoder)
    full = link_rows(everything, passages, vectors)
    assert full and {tuple(r["link"][:2]) for r in full} == {(EN_DOC, ES_DOC)}

    def rows_for(docs: list[Document]) -> tuple[list[Passage], np.ndarray]:
        keep = [i for i, p in enumerate(passages) if p.doc_id in {d.doc_id for d in docs}]
        return [passages[i] for i in keep], vectors[keep]

    # the Spanish version arrives after the English one: found as a full detection finds it
    first = link_rows([en, other], *rows_for([en, other]))
    assert first == []
    assert link_rows(everything, passages, vectors, reuse=Reuse(first, {ES_DOC})) == full
    # an unrelated document arrives after the pair: the pair's rows are kept, not aligned again
    pair = link_rows([en, es], *rows_for([en, es]))
    again = link_rows(everything, passages, vectors, reuse=Reuse(pair, {other.doc_id}))
    assert again == full and all(x is y for x, y in zip(again, pair, strict=True))
