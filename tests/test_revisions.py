"""Revisions: a corrected communiqué supersedes the indexed one; search shows the latest unless asked."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index.revisions import detect_revisions, similar_pairs
from indexer.ingest.corpus import load_corpus
from indexer.types import Document
from service.app import create_app
from service.config import Settings
from tests.conftest import CORPUS
from tests.helpers import built_copy, seeded_index

KEY = {"X-API-Key": "rev-key"}
EN_ID = "bnc-xix-2002-migration-consular-en"
ES_ID = "bnc-xix-2002-migracion-asuntos-consulares-es"
# the correction: two sentences of the English communiqué reworded, the rest as published
CHANGES = {
    "September 30, 2002": "October 15, 2002",
    "nearly 6 million": "more than 6 million",
}


def _english() -> str:
    """The bundled English communiqué's text without its front matter, as a delegation would send it."""
    text = next((CORPUS / "en").glob("*.md")).read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1]


def _corrected() -> str:
    text = _english()
    for old, new in CHANGES.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _doc(doc_id: str, body: str, **meta: Any) -> Document:
    date = meta.pop("date", "2002-11-26")
    sha = hashlib.sha256(body.encode()).hexdigest()
    return Document(doc_id, "en", doc_id, body, date=date, meta={k: str(v) for k, v in meta.items()}, sha256=sha)


def test_a_near_copy_is_a_revision_and_unrelated_text_is_not() -> None:
    docs = [d for d in load_corpus(CORPUS).documents]
    corrected = _doc("corrected", _corrected())
    pairs = similar_pairs([*docs, corrected])
    assert list(pairs) == [(EN_ID, "corrected")] and pairs[(EN_ID, "corrected")] > 0.9
    # the Spanish translation is another language, never a revision; the originals are not revisions of each other
    assert similar_pairs(docs) == {}


def test_order_of_versions() -> None:
    old, new = _doc("a-old", _english()), _doc("b-new", _corrected())
    # the one already indexed is the older, whatever the ids say
    (rev,) = detect_revisions([old, new], {"b-new": "20260101T000000000000Z-aaaaaa"})
    assert (rev.old, rev.new, rev.how) == ("b-new", "a-old", "detected")
    # a later date wins over arrival
    dated = dataclasses.replace(old, date="2002-12-01")
    (rev,) = detect_revisions([dated, new], {"b-new": "20260101T000000000000Z-aaaaaa"})
    assert (rev.old, rev.new) == ("b-new", "a-old")
    # `supersedes:` given in the metadata wins over both
    given = _doc("b-new", _corrected(), supersedes="a-old")
    (rev,) = detect_revisions([dated, given], {"b-new": "20260101T000000000000Z-aaaaaa"})
    assert (rev.old, rev.new, rev.how, rev.similarity) == ("a-old", "b-new", "given", None)
    # and `not_revision_of:` refuses a detected one
    refused = _doc("b-new", _corrected(), not_revision_of="a-old")
    assert detect_revisions([old, refused], {}) == []


def test_three_versions_chain_oldest_first() -> None:
    v1 = _doc("v1", _english())
    v2 = _doc("v2", _corrected())
    v3 = _doc("v3", _corrected().replace("Monterrey", "Tijuana", 1))
    seen = {"v1": "20260101T000000000000Z-a", "v2": "20260102T000000000000Z-b"}
    revs = detect_revisions([v3, v1, v2], seen)
    assert [(r.old, r.new) for r in revs] == [("v1", "v2"), ("v2", "v3")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[TestClient]:
    corpus, index = built_copy(tmp_path_factory.mktemp("revisions"), index_dir, encoder)
    settings = Settings(index=index, corpus=corpus, api_keys="rev-key")
    with TestClient(create_app(settings, encoder=encoder)) as client:
        res = client.post(
            "/api/documents?wait=true",
            files={"file": ("corrected communique.txt", _corrected().encode(), "text/plain")},
            headers=KEY,
        )
        assert res.status_code == 201, res.text
        yield client


def _new_id(client: TestClient) -> str:
    docs = client.get("/api/documents").json()["documents"]
    (old,) = [d for d in docs if d["doc_id"] == EN_ID]
    assert old["superseded_by"], docs
    return str(old["superseded_by"])


def test_uploaded_correction_supersedes_the_indexed_communique(app: TestClient) -> None:
    new_id = _new_id(app)
    docs = {d["doc_id"]: d for d in app.get("/api/documents").json()["documents"]}
    assert docs[new_id]["supersedes"] == EN_ID and docs[new_id]["superseded_by"] is None
    # the Spanish translation, given for the old version, is now paired with the latest too
    assert new_id in docs[ES_ID]["translations"]


def test_default_search_shows_only_the_latest_version(app: TestClient) -> None:
    new_id = _new_id(app)
    for q in ("When was the Border Crossing Card replacement completed?", "repatriation of Mexican nationals"):
        default = app.get("/api/search", params={"q": q, "k": 10, "doc_lang": "en"}).json()["hits"]
        assert default and {h["doc_id"] for h in default} == {new_id}
        both = app.get("/api/search", params={"q": q, "k": 10, "doc_lang": "en", "include_superseded": "true"})
        hits = both.json()["hits"]
        assert {h["doc_id"] for h in hits} == {new_id, EN_ID}
        assert all(h.get("superseded_by") == new_id for h in hits if h["doc_id"] == EN_ID)
    # the corrected date is what the latest version says
    ask = app.post("/api/ask", json={"q": "When was the BCC replacement program completed?", "doc_lang": "en"}).json()
    assert ask["hits"] and all(h["doc_id"] == new_id for h in ask["hits"])
    # naming the old version explicitly still searches it
    named = app.get("/api/search", params={"q": "border crossing cards", "doc_ids": EN_ID}).json()["hits"]
    assert named and {h["doc_id"] for h in named} == {EN_ID}


def test_document_view_says_which_version_it_is(app: TestClient) -> None:
    new_id = _new_id(app)
    old = app.get(f"/api/documents/{EN_ID}").json()
    assert old["superseded_by"] == new_id and old["latest_version"] == new_id
    assert [v["doc_id"] for v in old["versions"]] == [EN_ID, new_id]
    assert old["versions"][1]["how"] == "detected" and old["versions"][1]["similarity"] > 0.9
    new = app.get(f"/api/documents/{new_id}").json()
    assert new["superseded_by"] is None and new["latest_version"] == new_id
    plain = app.get(f"/api/documents/{ES_ID}").json()
    assert plain["versions"] == [] and plain["latest_version"] == ES_ID


@pytest.mark.slow
def test_bnc_add_reports_the_revision(tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from service.cli import main
    from tests.test_intake import SEED

    corpus, index = tmp_path / "corpus", seeded_index(tmp_path, index_dir)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / SEED.name).write_bytes(SEED.read_bytes())  # as received, no metadata
    text = SEED.read_text(encoding="utf-8")
    for old, new in CHANGES.items():
        text = text.replace(old, new, 1)
    (second / "Corrected communique.txt").write_text(text, encoding="utf-8")
    base = ["--corpus", str(corpus), "--index", str(index), "--quiet", "--json"]
    assert main(["add", str(first), *base]) == 0
    (original,) = json.loads(capsys.readouterr().out)["files"]
    assert main(["add", str(second), *base]) == 0
    (row,) = json.loads(capsys.readouterr().out)["files"]
    # the header gives the same id; a different text under it is stored beside the original, as its revision
    assert row["action"] == "added" and row["doc_id"] == original["doc_id"] + "-2"
    assert row["revision_of"] == original["doc_id"]
    # the same file a third time is the same text: refused, not a new version
    assert main(["add", str(first / SEED.name), *base]) == 1
    (again,) = json.loads(capsys.readouterr().out)["files"]
    assert again["action"] == "refused" and "exists" in again["error"]


@pytest.mark.slow
def test_admin_refuses_a_detected_revision(tmp_path: Path, index_dir: Path, encoder: Encoder) -> None:
    corpus, index = built_copy(tmp_path, index_dir, encoder)
    with TestClient(create_app(Settings(index=index, corpus=corpus, api_keys="rev-key"), encoder=encoder)) as client:
        files = {"file": ("corrected.txt", _corrected().encode(), "text/plain")}
        assert client.post("/api/documents?wait=true", files=files, headers=KEY).status_code == 201
        new_id = _new_id(client)
        url = f"/api/documents/{new_id}/refusals?wait=true"
        bad = client.post(url, json={"kind": "revision", "other": "no-such-doc"}, headers=KEY)
        assert bad.status_code == 404
        assert client.post(url, json={"kind": "sibling", "other": EN_ID}, headers=KEY).status_code == 422
        res = client.post(url, json={"kind": "revision", "other": EN_ID}, headers=KEY)
        assert res.status_code == 200 and res.json()["published"], res.text
        docs = {d["doc_id"]: d for d in client.get("/api/documents").json()["documents"]}
        assert docs[EN_ID]["superseded_by"] is None and docs[new_id]["supersedes"] is None
        hits = client.get("/api/search", params={"q": "border crossing cards", "k": 10, "doc_lang": "en"}).json()
        assert {h["doc_id"] for h in hits["hits"]} == {EN_ID, new_id}
    # the refusal is in the sidecar: the uploaded bytes are as sent
    stored = next((corpus / "en").glob(f"{new_id}.txt"))
    assert stored.read_bytes() == _corrected().encode()
    assert "not_revision_of" in stored.with_name(stored.name + ".meta.yaml").read_text()


def test_a_refusal_is_a_small_json_body(app: TestClient) -> None:
    padded = {"kind": "revision", "other": EN_ID, "note": "x" * 20_000}
    res = app.post(f"/api/documents/{EN_ID}/refusals", json=padded, headers=KEY)
    assert res.status_code == 413 and res.json()["code"] == "payload_too_large"


def test_refusing_a_link_to_the_document_itself_is_a_422(app: TestClient) -> None:
    res = app.post(f"/api/documents/{EN_ID}/refusals", json={"kind": "revision", "other": EN_ID}, headers=KEY)
    assert res.status_code == 422 and res.json()["code"] == "invalid_parameter" and res.json()["field"] == "other"


def test_sketches_are_kept_on_disk_and_a_new_process_reads_them(tmp_path: Path, index_dir: Path) -> None:
    import json
    import subprocess
    import sys

    import numpy as np

    from indexer.index.sketch_cache import SketchCache, sketch_key
    from indexer.ingest.shingles import sketch

    docs = load_corpus(CORPUS).documents
    built = SketchCache(index_dir / "cache" / "sketches.sqlite")  # every build keeps them beside its embedding cache
    try:
        kept = built.get_many([sketch_key(d.sha256, d.lang) for d in docs])
    finally:
        built.close()
    assert all(np.array_equal(kept[sketch_key(d.sha256, d.lang)], sketch(d.body)) for d in docs)
    # a new process believes the store instead of hashing the text again: under an unrelated text's
    # checksum, the store holds the English communiqué's sketch, and that text is then found a revision
    other = " ".join(f"word{i} unrelated sentence number {i}." for i in range(200))
    store = SketchCache(tmp_path / "sketches.sqlite")
    store.put_many({sketch_key(hashlib.sha256(other.encode()).hexdigest(), "en"): sketch(_english())})
    store.close()
    (tmp_path / "other.txt").write_text(other)
    script = f"""
import hashlib, json, pathlib
from indexer.index.revisions import similar_pairs
from indexer.index.sketch_cache import SketchCache
from indexer.ingest.corpus import load_corpus
from indexer.types import Document
body = pathlib.Path({str(tmp_path / "other.txt")!r}).read_text()
other = Document("other", "en", "other", body, sha256=hashlib.sha256(body.encode()).hexdigest())
store = SketchCache(pathlib.Path({str(tmp_path / "sketches.sqlite")!r}))
pairs = similar_pairs([*load_corpus(pathlib.Path({str(CORPUS)!r})).documents, other], store)
print(json.dumps(sorted(pairs)))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [[EN_ID, "other"]]
