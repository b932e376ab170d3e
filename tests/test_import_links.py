"""`bnc add` into an empty archive: translation links with their evidence, no false twin for an undated
document, and an excerpt of a communiqué already there linked to it and not indexed twice."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from indexer.index.snapshot import open_snapshot
from indexer.ingest.readers import split_front_matter
from service.cli import main
from tests.conftest import CORPUS

DATED = Path(__file__).resolve().parents[1] / "eval" / "dated" / "communiques"
EN_FILE = CORPUS / "en" / "2002-11-26-bnc-xix-migration-consular.md"
ES_FILE = CORPUS / "es" / "2002-11-26-bnc-xix-migracion-asuntos-consulares.md"


def _body(path: Path) -> str:
    return split_front_matter(path.read_text("utf-8"))[1]


def _paragraphs(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> tuple[dict[str, dict[str, Any]], Path]:
    tmp = tmp_path_factory.mktemp("import")
    inbox = tmp / "inbox"
    inbox.mkdir()
    (inbox / "communique.txt").write_text(_body(EN_FILE), "utf-8")  # as received: no front matter
    (inbox / "comunicado.txt").write_text(_body(ES_FILE), "utf-8")
    # the opening of the communiqué, saved as a file of its own
    (inbox / "opening.txt").write_text("\n\n".join(_paragraphs(_body(EN_FILE))[4:8]), "utf-8")
    # an undated Spanish communiqué of another meeting, with a header like the others' and a body on the
    # same subjects: its years are not the report's, so it is no twin of it
    es_1998 = _paragraphs(_body(DATED / "1998-06-11-bnc-xv-migracion-es.md"))
    header = "COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS\n\nGRUPO DE TRABAJO SOBRE MIGRACIÓN Y\nASUNTOS CONSULARES"
    (inbox / "sin fecha.txt").write_text("\n\n".join([header, *es_1998[2:]]), "utf-8")
    (inbox / "report 1999.txt").write_text(_body(DATED / "1999-05-21-bnc-xvi-migration-en.md"), "utf-8")
    corpus, index = tmp / "corpus", tmp / "index"
    (index / "cache").mkdir(parents=True)
    (index / "cache" / "embeddings.sqlite").write_bytes((index_dir / "cache" / "embeddings.sqlite").read_bytes())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["add", str(inbox), "--corpus", str(corpus), "--index", str(index), "--quiet", "--json"]) == 0
    return {Path(r["file"]).name: r for r in json.loads(out.getvalue())["files"]}, index


def test_the_true_pair_is_linked_with_its_evidence(imported: tuple[dict[str, dict[str, Any]], Path]) -> None:
    rows, _ = imported
    en, es = rows["communique.txt"], rows["comunicado.txt"]
    assert (en["paired_with"], es["paired_with"]) == (es["doc_id"], en["doc_id"])
    assert "same date 2002-11-26" in en["pair_evidence"] and "same meeting 19" in en["pair_evidence"]
    assert re.search(r"\d+ of \d+ paragraphs aligned", es["pair_evidence"])


def test_an_undated_document_with_a_similar_header_gets_no_twin(
    imported: tuple[dict[str, dict[str, Any]], Path],
) -> None:
    rows, _ = imported
    undated = rows["sin fecha.txt"]
    assert undated["date"] is None and undated["paired_with"] == "" and undated["pair_evidence"] == ""
    assert rows["report 1999.txt"]["paired_with"] == ""


def test_an_excerpt_is_linked_to_the_full_text_and_not_indexed_twice(
    imported: tuple[dict[str, dict[str, Any]], Path],
) -> None:
    rows, index = imported
    excerpt, full = rows["opening.txt"], rows["communique.txt"]
    assert excerpt["action"] == "added" and excerpt["duplicate_of"] == full["doc_id"]
    assert full["revision_of"] == "" and excerpt["paired_with"] == ""
    snapshot = open_snapshot(index)
    assert excerpt["doc_id"] in snapshot.documents and excerpt["doc_id"] not in snapshot.doc_rows
    assert sum(1 for p in snapshot.passages if "Presidents Bush and Fox" in p.text and p.lang == "en") == 1
