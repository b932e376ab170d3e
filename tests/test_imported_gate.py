"""The hand-labeled set scores an index imported with no metadata at all (`bnc add` of the files as received)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import gate
from eval.datasets.commission import load_commission
from eval.engine import open_eval_index
from eval.runner import MODES, evaluate_set
from indexer.encoders import Encoder
from indexer.ingest.bulk import import_paths
from indexer.ingest.corpus_files import CorpusStore
from tests.test_intake import ES_FILE, SEED, _body, _docx

pytestmark = pytest.mark.slow  # an evaluation index and every mode and direction


def test_commission_gate_passes_on_the_imported_corpus(tmp_path: Path, encoder: Encoder) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SEED.name).write_bytes(SEED.read_bytes())  # the founding communiqué as it was received
    (inbox / "Comunicado XIX.docx").write_bytes(_docx(_body(ES_FILE)))  # the Spanish version as a Word file
    rows = import_paths(CorpusStore(tmp_path / "corpus"), [inbox])
    assert [r.action for r in rows] == ["added", "added"]

    labeled = load_commission(tmp_path / "corpus")
    # the labels name the hand-labeled ids; their quotes find the imported documents
    assert {d.doc_id for d in labeled.documents} == {r.doc_id for r in rows}
    assert sum("matched by their quotes" in n for n in labeled.notes) == 2
    ix = open_eval_index(labeled.documents, tmp_path / "eval", encoder)
    assert len(ix.snapshot.detected_links) == 2  # the pair was found, not given
    result = evaluate_set(labeled, ix, MODES, k=100)
    checked = gate.check(result.metrics, gate.load_expected()["minima"])
    assert gate.passed(checked), [r.line() for r in checked if not r.ok]
