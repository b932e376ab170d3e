"""Short documents paired by their machine translations' agreement as well as by their vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.encoders import Encoder
from indexer.index import doc_mt
from indexer.index.build import build_index
from indexer.index.links import link_reuse
from indexer.index.pair_mt import agreement, chrf, evidence
from indexer.index.pairing import RULES, detect_links
from indexer.index.previous import Changes, Previous, record_digest
from indexer.index.snapshot import open_snapshot
from indexer.index.snapshot_files import pair_rows
from indexer.ingest.splitter import split_document
from indexer.types import Document

needs_apertium = pytest.mark.skipif(
    not doc_mt.default_doc_translator().available(), reason="Apertium not installed (.ci/apertium-setup.sh)"
)

# two near-paraphrases and their translations: the encoder puts each English sentence nearer the
# other's Spanish (checked below), the words do not
PARAPHRASES = [
    ("We did not speak with the mayors.", "No hablamos con los alcaldes."),
    ("We have not talked to the mayors.", "No hemos hablado con los alcaldes."),
]


def _docs() -> list[Document]:
    out = []
    for i, (en, es) in enumerate(PARAPHRASES):
        out.append(Document(f"note-en-{i}", "en", "", en, sha256=f"en{i}"))
        out.append(Document(f"note-es-{i}", "es", "", es, sha256=f"es{i}"))
    return out


def test_chrf_and_agreement() -> None:
    assert chrf("Las delegaciones", "las  delegaciones") == pytest.approx(1.0)  # case and spaces ignored
    assert chrf("xyz", "abc") == 0.0
    assert chrf("", "abc") == 0.0
    near = chrf("Te veremos el lunes.", "Te veré el lunes.")
    assert 0.4 < near < chrf("Te veremos el lunes.", "Te veremos el lunes")
    a = agreement("He left.", "Se fue.", "Se fue.", "He left.")
    assert a == pytest.approx(1.0)
    paragraph = "The delegations reviewed the water deliveries and the new monitoring stations. " * 3
    assert agreement(paragraph, paragraph, paragraph, paragraph) is None  # paragraphs: judged without it
    assert evidence(0.9, None) == 0.9  # without translations the similarity decides alone
    assert evidence(0.9, 0.9) > 0.9 > evidence(0.9, 0.1)


@needs_apertium
def test_translations_untangle_paraphrases_the_vectors_confuse(encoder: Encoder) -> None:
    docs = _docs()
    passages = [p for d in docs for p in split_document(d)]
    vectors = encoder.encode_passages([p.text for p in passages])
    without = {(x.a, x.b) for x in detect_links(docs, passages, vectors, set())}
    assert without == {("note-en-0", "note-es-1"), ("note-en-1", "note-es-0")}  # crossed
    translations = doc_mt.translations_of(passages, doc_mt.default_doc_translator())
    links = detect_links(docs, passages, vectors, set(), translations=translations.get)
    assert {(x.a, x.b) for x in links} == {("note-en-0", "note-es-0"), ("note-en-1", "note-es-1")}
    assert all(x.rank is not None and x.rank > x.score for x in links)  # they agree better than the centre


@needs_apertium
def test_build_weighs_translations_and_records_the_translator(tmp_path: Path, encoder: Encoder) -> None:
    build_index(_docs(), tmp_path / "index", encoder, doc_mt_vectors=False)
    snapshot = open_snapshot(tmp_path / "index")
    pairing = snapshot.manifest["pairing"]
    assert pairing["rules"] == RULES and pairing["translator"] == snapshot.manifest["doc_mt"]["translator"]
    rows = [r for r in pair_rows(snapshot.path) if "link" in r]
    assert {(r["link"][0], r["link"][1]) for r in rows} == {("note-en-0", "note-es-0"), ("note-en-1", "note-es-1")}
    assert all("rank" in r for r in rows)


def test_links_are_detected_afresh_under_another_translator() -> None:
    docs = _docs()
    used = {"engine": "apertium", "package": "1.0"}
    records = {d.doc_id: record_digest(d) for d in docs}
    prev = Previous(same_encoder=True, pairing_rules=RULES, pairing_translator=used, records=records)
    changes = Changes(added=["note-es-1"])
    assert link_reuse(docs, prev, changes, set(), used) is not None
    assert link_reuse(docs, prev, changes, set(), {"engine": "apertium", "package": "2.0"}) is None
    assert link_reuse(docs, prev, changes, set(), None) is None  # Apertium gone: judged by vectors alone
