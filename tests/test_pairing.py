"""Translation pairs found automatically, and paragraphs left unpaired where versions differ."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from indexer.encoders import Encoder
from indexer.index import build as build_module
from indexer.index import pair_text
from indexer.index.align import align_pair
from indexer.index.build import build_index
from indexer.index.freshness import up_to_date
from indexer.index.pair_text import numbers, spelled_numbers, texts_agree
from indexer.index.pairing import PAIR_THRESHOLD, RULES, alignment_quality, detect_links
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


def _one_paragraph_documents(docs_by_id: dict[str, Document], encoder: Encoder, shift: int) -> list[Document]:
    """Odd English paragraphs 1-15 of the 2002 migration communiqué as one-paragraph documents, each with
    the Spanish paragraph aligned to its `shift`-th neighbour (0: its own translation), all of one date."""
    en, es = _paras(docs_by_id[EN_DOC]), _paras(docs_by_id[ES_DOC])
    twin = {ia[0]: ib[0] for ia, ib in align_pair(encoder.encode_passages(en), encoder.encode_passages(es))}
    out = []
    for i in range(1, 16, 2):
        if i in twin and i + shift in twin:
            out.append(Document(f"note-{i:02d}-en", "en", "", en[i], date="2002-11-26"))
            out.append(Document(f"nota-{i:02d}-es", "es", "", es[twin[i + shift]], date="2002-11-26"))
    return out


def test_a_one_paragraph_note_is_not_paired_with_its_neighbours_translation(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    """Same subject, same day, no translation present: neighbours score like twins on vectors alone."""
    docs = _one_paragraph_documents(docs_by_id, encoder, shift=1)
    passages, vectors = _vectors(docs, encoder)
    rows = {d.doc_id: [i for i, p in enumerate(passages) if p.doc_id == d.doc_id] for d in docs}
    near = [
        alignment_quality(vectors[rows[a.doc_id]], vectors[rows[b.doc_id]])[0]
        for a, b in zip(docs[::2], docs[1::2], strict=True)
    ]
    assert sum(s >= PAIR_THRESHOLD for s in near) >= 3  # alignment alone would link them
    assert detect_links(docs, passages, vectors, set()) == []


def test_one_paragraph_translations_are_still_paired(docs_by_id: dict[str, Document], encoder: Encoder) -> None:
    docs = _one_paragraph_documents(docs_by_id, encoder, shift=0)
    passages, vectors = _vectors(docs, encoder)
    links = {(x.a, x.b) for x in detect_links(docs, passages, vectors, set())}
    pairs = {(a.doc_id, b.doc_id) for a, b in zip(docs[::2], docs[1::2], strict=True)}
    assert len(pairs) >= 6 and len(links & pairs) >= len(pairs) - 1 and links <= pairs


def test_aligned_texts_agree_on_their_numbers_and_length() -> None:
    en = "In 2001 the two governments trained 1,500 agents and opened 3.5 km of new crossings."
    es = "En 2001 ambos gobiernos capacitaron a 1.500 agentes y abrieron 3,5 km de nuevos cruces fronterizos."
    assert numbers(en) == numbers(es) == {"2001": 1, "1500": 1, "3": 1, "5": 1}
    assert texts_agree([en], [es], 0.8)
    other = es.replace("2001", "2004").replace("1.500", "900").replace("3,5", "7")
    assert not texts_agree([en], [other], 0.95)  # numbers differ
    assert not texts_agree([en], [es + " " + es], 0.95)  # twice as long
    words = "Both delegations reviewed the programme."
    assert texts_agree([words], ["Ambas delegaciones revisaron el programa."], 0.9)
    # no numbers: the similarity decides
    assert not texts_agree([words], ["Ambas delegaciones revisaron el programa."], 0.84)


def test_short_sentences_agree_despite_their_length_and_numbers_in_words() -> None:
    # a sentence's length varies more than a paragraph's: twice as long, a few characters apart
    assert texts_agree(["We are watching."], ["Miramos."], 0.89)
    assert not texts_agree(["We are watching."], ["Miramos."], 0.84)  # the similarity still decides
    paragraph = "Both delegations reviewed the border programme and its budget. " * 4
    assert not texts_agree([paragraph], [paragraph * 2], 0.95)
    # a number in digits on one side, in words on the other
    en, es = "I'll see you at 2:30.", "Nos veremos a las dos y media."
    assert texts_agree([en], [es], 0.88, ("en", "es"))
    assert not texts_agree([en], [es], 0.88)  # without the languages, 2 and 30 are not found
    assert spelled_numbers("treinta y cinco delegados, veinticinco estados y once agencias", "es") == {
        "35": 1,
        "25": 1,
        "11": 1,
    }
    # each language reads its own words: "ten" is an imperative in Spanish, "once" an adverb in English
    assert spelled_numbers("Ten cuidado con el río.", "es") == {} == spelled_numbers("We met once.", "en")
    # a spelled number alone contradicts nothing: the similarity decides
    assert texts_agree(["They met again."], ["Se reunieron seis veces."], 0.9, ("en", "es"))


def test_the_first_build_under_new_pairing_rules_detects_afresh(
    tmp_path: Path, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [
        Document("note-en", "en", "", "The delegations agreed to meet again in the spring."),
        Document("note-es", "es", "", "Las delegaciones acordaron reunirse de nuevo en la primavera."),
    ]

    def linked(index: Path) -> bool:
        return open_snapshot(index).detected_links.get("note-en", (None,))[0] == "note-es"

    for older, expected in ((True, True), (False, False)):
        index = tmp_path / f"older-{older}"
        with monkeypatch.context() as m:  # a first build whose rules found no link
            m.setattr(pair_text, "MIN_SIM_WITHOUT_NUMBERS", 1.01)
            if older:
                m.setattr(build_module, "PAIRING_RULES", RULES - 1)
            build_index(docs, index, encoder, doc_mt=False)
        assert not linked(index)
        # a snapshot of the same documents is current only if built under the current rules
        assert (up_to_date(index, docs, encoder, doc_mt=False) is None) is older
        build_index([*docs, Document("other-en", "en", "", "A new note on water.")], index, encoder, doc_mt=False)
        # under the current rules the last verdict stands for two unchanged documents; under older ones it is redone
        assert linked(index) is expected


def test_a_link_found_under_older_rules_is_checked_again_by_an_incremental_build(
    docs_by_id: dict[str, Document], encoder: Encoder
) -> None:
    from indexer.index.pairing import Reuse, link_rows

    docs = _one_paragraph_documents(docs_by_id, encoder, shift=1)
    passages, vectors = _vectors(docs, encoder)
    a, b = docs[0].doc_id, docs[1].doc_id
    pa, pb = (next(p.passage_id for p in passages if p.doc_id == x) for x in (a, b))
    # what a build before the text check wrote: a neighbour's translation linked, no "rules"
    older = [{"a": pa, "b": pb, "sim": 0.86, "link": [a, b, 0.86]}]
    assert link_rows(docs, passages, vectors, reuse=Reuse(older, set())) == []
    current = [{**older[0], "rules": RULES}]  # the same row under the current rules is trusted as found
    assert link_rows(docs, passages, vectors, reuse=Reuse(current, set())) == current
