"""The admin write path never loses or clobbers a document: one regression test per defect of issue 12."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.encoders import Encoder
from indexer.index.build import build_index
from indexer.ingest import corpus as corpus_module
from indexer.ingest.corpus import CorpusCatalog, load_corpus
from service.app import create_app
from service.config import Settings
from tests.conftest import EN_DOC, ES_DOC
from tests.helpers import corpus_copy, health_doc, one_page_pdf, seeded_index

KEY = {"X-API-Key": "write-key"}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory, index_dir: Path, encoder: Encoder) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("writes")
    corpus = corpus_copy(tmp)
    index = seeded_index(tmp, index_dir)
    build_index(load_corpus(corpus).documents, index, encoder)
    settings = Settings(index=index, corpus=corpus, api_keys=KEY["X-API-Key"], reload_interval_s=0.1)
    with TestClient(create_app(settings, encoder=encoder), raise_server_exceptions=False) as client:
        yield client


def _corpus(client: TestClient) -> Path:
    return Path(client.app.state.settings.corpus)  # type: ignore[attr-defined]


def _files(corpus: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file() and not p.name.startswith(".")}


def _ids(client: TestClient) -> dict[str, int]:
    docs = client.get("/api/documents").json()["documents"]
    return {d["doc_id"]: d.get("passages", 0) for d in docs}


def _bm25(client: TestClient, q: str, **params: object) -> list[dict[str, object]]:
    res = client.get("/api/search", params={"q": q, "k": 5, "mode": "bm25", **params})
    assert res.status_code == 200, res.text
    return res.json()["hits"]  # type: ignore[no-any-return]


# 1. silent overwrite ---------------------------------------------------------------------------


def test_title_colliding_with_the_spanish_twin_is_409_and_nothing_changes(admin: TestClient) -> None:
    corpus = _corpus(admin)
    before = _files(corpus)
    spanish_hits = len(_bm25(admin, "tarjetas de cruce fronterizo", doc_lang="es"))
    # this title slugifies to the Spanish communiqué's id; lang=en would have put it in corpus/en/
    body = {"title": ES_DOC.replace("-", " "), "lang": "en", "text": health_doc()}
    res = admin.post("/api/documents?wait=true", json=body, headers=KEY)
    assert res.status_code == 409, res.text
    detail = res.json()["detail"]
    assert ES_DOC in detail and "es/" in detail and "PUT" in detail
    assert _files(corpus) == before
    assert len(_bm25(admin, "tarjetas de cruce fronterizo", doc_lang="es")) == spanish_hits > 0


@pytest.mark.parametrize(
    "how",
    ["explicit doc_id", "file name", "front matter"],
)
def test_every_origin_of_an_id_is_checked_for_collisions(admin: TestClient, how: str) -> None:
    text = f"---\nlang: en\n{'doc_id: ' + EN_DOC if how == 'front matter' else ''}\n---\n{health_doc()}"
    name = f"{EN_DOC}.md" if how == "file name" else "upload.md"
    data = {"doc_id": EN_DOC} if how == "explicit doc_id" else {}
    res = admin.post("/api/documents", files={"file": (name, text.encode(), "text/markdown")}, data=data, headers=KEY)
    assert res.status_code == 409, res.text
    assert EN_DOC in res.json()["detail"]
    assert (_corpus(admin) / "en" / "2002-11-26-bnc-xix-migration-consular.md").read_text().startswith("---\ndoc_id")


def test_a_file_that_cannot_be_read_is_never_overwritten(admin: TestClient) -> None:
    broken = _corpus(admin) / "en" / "broken-note.md"
    broken.write_bytes(b"---\ndate: [unclosed\n---\nText that someone will fix by hand.\n")
    try:
        res = admin.post("/api/documents", json={"title": "Broken note", "text": health_doc()}, headers=KEY)
        assert res.status_code == 409 and "en/broken-note.md" in res.json()["detail"]
        assert broken.read_bytes().startswith(b"---\ndate: [unclosed")
    finally:
        broken.unlink()


# 2. front-matter doc_id ------------------------------------------------------------------------


def test_front_matter_doc_id_wins_over_the_file_name_and_a_form_field_over_both(admin: TestClient) -> None:
    text = b"---\ndoc_id: fm-own-id\nlang: en\n---\n" + health_doc("river pilots").encode()
    res = admin.post("/api/documents?wait=true", files={"file": ("x.md", text, "text/markdown")}, headers=KEY)
    assert res.status_code == 201, res.text
    assert (res.json()["doc_id"], res.json()["path"]) == ("fm-own-id", "en/fm-own-id.md")
    stored = _corpus(admin) / "en" / "fm-own-id.md"
    assert stored.read_bytes() == text  # the sender's bytes, front matter included, as sent

    files = {"file": ("x.md", text.replace(b"river pilots", b"ferry crews"), "text/markdown")}
    res = admin.post("/api/documents?wait=true", files=files, data={"doc_id": "form-id"}, headers=KEY)
    assert res.status_code == 201 and res.json()["doc_id"] == "form-id"
    for doc_id in ("fm-own-id", "form-id"):
        assert admin.delete(f"/api/documents/{doc_id}?wait=true", headers=KEY).status_code == 200


# 3. concurrent deletes -------------------------------------------------------------------------


def test_parallel_deletes_are_serialized_and_each_reply_is_truthful(admin: TestClient) -> None:
    ids = [f"par-{i}" for i in range(10)]
    for i, doc_id in enumerate(ids):
        body = {"title": f"Note {i}", "lang": "en", "doc_id": doc_id, "text": f"Parallel note {i} on item zq{i}x."}
        assert admin.post("/api/documents", json=body, headers=KEY).status_code == 202
    admin.app.state.builds.wait_idle(300)  # type: ignore[attr-defined]
    assert set(ids) <= set(_ids(admin))
    replies: list[tuple[int, dict[str, object]]] = []

    def delete(doc_id: str) -> None:
        res = admin.delete(f"/api/documents/{doc_id}?wait=true", headers=KEY)
        replies.append((res.status_code, res.json()))

    threads = [threading.Thread(target=delete, args=(d,)) for d in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in replies) == [200] * 10, replies
    assert all(r["published"] is True and r["build"]["outcome"] in ("published", "unchanged") for _, r in replies)  # type: ignore[index]
    assert not set(ids) & set(_ids(admin))
    assert admin.delete("/api/documents/par-0", headers=KEY).status_code == 404


def test_vanished_and_unreadable_files_never_fail_a_load(tmp_path: Path) -> None:
    corpus = corpus_copy(tmp_path)
    (corpus / "en" / "gone.md").symlink_to(corpus / "en" / "deleted-meanwhile.md")  # listed, then not there
    # legacy (cp1252/latin-1) text is decoded since intake (tests/test_intake.py); binary is still refused
    (corpus / "en" / "binary.md").write_bytes(b"---\nlang: es\n---\nComisi\xf3\x00\x01\x02n")
    loaded = load_corpus(corpus)
    assert {d.doc_id for d in loaded.documents} == {EN_DOC, ES_DOC}
    assert len(loaded.errors) == 1 and loaded.errors[0].startswith("en/binary.md: the file is not valid UTF-8 text")


# 4. bad dates ----------------------------------------------------------------------------------

BAD_DATE = b"---\ntitle: Bad date\nlang: en\ndate: 2002-13-45\n---\n" + health_doc().encode()


def test_a_bad_date_is_422_on_upload(admin: TestClient) -> None:
    res = admin.post("/api/documents", files={"file": ("bad.md", BAD_DATE, "text/markdown")}, headers=KEY)
    assert res.status_code == 422 and "2002-13-45" in res.json()["detail"]


def test_a_bad_file_in_the_corpus_is_skipped_and_reported_not_fatal(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    from service.indexing import rebuild

    corpus = corpus_copy(tmp_path)
    (corpus / "en" / "bad-date.md").write_bytes(BAD_DATE)
    warned: list[str] = []
    done = rebuild(CorpusCatalog(corpus), seeded_index(tmp_path, index_dir), encoder, warn=warned.append)
    assert done.report is not None and done.report.documents == 2
    assert any("bad-date.md" in w and "2002-13-45" in w for w in warned)


# 5. YAML aliases and metadata bounds -----------------------------------------------------------


def _laughs(levels: int = 9) -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return ("---\nlang: en\n" + "\n".join(lines) + "\n---\nThe delegations met.\n").encode()


def test_yaml_aliases_are_refused_at_once(admin: TestClient) -> None:
    started = time.perf_counter()
    res = admin.post("/api/documents", files={"file": ("laughs.md", _laughs(), "text/markdown")}, headers=KEY)
    assert res.status_code == 422 and "aliases" in res.json()["detail"]
    assert time.perf_counter() - started < 5
    assert not list(_corpus(admin).rglob("laughs*"))


@pytest.mark.parametrize(
    ("front", "fragment"),
    [
        ("title: " + "x" * 600, "longer than 500"),
        ("working_group:\n  nested: mapping", "single value"),
        ("\n".join(f"f{i}: v" for i in range(50)), "at most 40"),
    ],
)
def test_metadata_fields_are_bounded(admin: TestClient, front: str, fragment: str) -> None:
    data = f"---\nlang: en\n{front}\n---\nThe delegations met.\n".encode()
    res = admin.post("/api/documents", files={"file": ("meta.md", data, "text/markdown")}, headers=KEY)
    assert res.status_code == 422 and fragment in res.json()["detail"], res.text


# 6. PDF amplification and re-parsing -----------------------------------------------------------


def _pdf_bomb(chars: int = 7_300_000) -> bytes:
    """A one-page PDF whose few-KB Flate stream inflates to millions of characters of text."""
    return one_page_pdf(b"BT /F1 12 Tf 72 720 Td (" + b"A" * chars + b") Tj ET", flate=True)


def test_a_pdf_that_inflates_to_millions_of_characters_is_413_fast(admin: TestClient) -> None:
    bomb = _pdf_bomb()
    assert len(bomb) < 16 * 1024
    started = time.perf_counter()
    res = admin.post("/api/documents", files={"file": ("bomb.pdf", bomb, "application/pdf")}, headers=KEY)
    assert res.status_code == 413 and "KB of content" in res.json()["detail"], res.text
    assert time.perf_counter() - started < 10
    assert not list(_corpus(admin).rglob("bomb*"))


def test_a_load_parses_only_files_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = corpus_copy(tmp_path)
    catalog = CorpusCatalog(corpus)
    parsed: list[str] = []
    real_read = corpus_module._read

    def counting_read(path: Path, root: Path, ocr_cache: object) -> object:
        parsed.append(path.name)
        return real_read(path, root, ocr_cache)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus_module, "_read", counting_read)
    assert len(catalog.load().documents) == 2 and len(parsed) == 2
    assert len(catalog.load().documents) == 2 and len(parsed) == 2  # a stat each, no parse
    en = next(corpus.glob("en/*.md"))
    en.write_text(en.read_text() + "\nA new closing paragraph.\n")
    assert len(catalog.load().documents) == 2 and parsed[2:] == [en.name]


# 10-12. bodies, nesting, metrics ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/search", b'{"q": "visa", "pad": "' + b"x" * 200_000 + b'"}'),
        ("/api/ask", b'{"q": "visa", "unknown": "' + b"x" * 200_000 + b'"}'),
    ],
)
def test_public_bodies_are_capped_before_parsing(admin: TestClient, path: str, body: bytes) -> None:
    res = admin.post(path, content=body, headers={"content-type": "application/json"})
    assert res.status_code == 413 and "KB" in res.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap counts what arrives
        for i in range(0, len(body), 8192):
            yield body[i : i + 8192]

    res = admin.post(path, content=chunks(), headers={"content-type": "application/json"})
    assert res.status_code == 413


def test_deeply_nested_admin_json_is_422_not_500(admin: TestClient) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    res = admin.post("/api/documents", content=deep, headers={**KEY, "content-type": "application/json"})
    assert res.status_code == 422 and "JSON" in res.json()["detail"]


def test_invented_http_methods_do_not_grow_metrics(admin: TestClient) -> None:
    def series() -> int:
        return sum(1 for line in admin.get("/metrics").text.splitlines() if line.startswith("bnc_requests_total"))

    admin.request("ZZWARM", "/api/search")
    series()  # the first scrape's own request is counted after it answers
    before = series()
    for i in range(30):
        admin.request(f"ZZMETHOD{i}", "/api/search")
    assert series() == before
    assert 'method="other"' in admin.get("/metrics").text


# 13. translation_of naming a missing document --------------------------------------------------


def test_translation_of_a_missing_document_warns_and_links_when_it_arrives(
    admin: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    es = {
        "title": "Salud fronteriza",
        "lang": "es",
        "doc_id": "salud-es",
        "translation_of": "health-twin-en",
        "text": "Tuberculosis: Las delegaciones acordaron ampliar la detección binacional de tuberculosis.",
    }
    res = admin.post("/api/documents?wait=true", json=es, headers=KEY)
    assert res.status_code == 201, res.text
    assert "health-twin-en" in res.json()["warnings"][0] and "linked when" in res.json()["warnings"][0]
    assert "skipped" not in " ".join(r.getMessage() for r in caplog.records if "salud-es" in r.getMessage())
    assert _bm25(admin, "detección binacional de tuberculosis")[0]["doc_id"] == "salud-es"

    en = {
        "title": "Border health",
        "lang": "en",
        "doc_id": "health-twin-en",
        "text": "Tuberculosis: The delegations agreed to expand binational tuberculosis screening.",
    }
    assert admin.post("/api/documents?wait=true", json=en, headers=KEY).status_code == 201
    hit = _bm25(admin, "detección binacional de tuberculosis", lang="es")[0]
    assert hit["doc_id"] == "salud-es" and hit["twin"] and hit["twin"]["citation"]["doc_id"] == "health-twin-en"  # type: ignore[index]
    for doc_id in ("salud-es", "health-twin-en"):
        assert admin.delete(f"/api/documents/{doc_id}?wait=true", headers=KEY).status_code == 200


def test_every_write_asks_for_its_build_only_once_it_is_on_disk(tmp_path: Path, encoder: Encoder) -> None:
    """A build that starts between the write and its job number must already see the write."""
    from indexer.ingest.corpus_files import CorpusStore, json_upload
    from service.builds import BuildRunner
    from service.engine import Engine
    from service.writes import DocumentWrites

    corpus = corpus_copy(tmp_path)
    catalog = CorpusCatalog(corpus)
    seen: list[set[str]] = []

    class Recorder(BuildRunner):
        def request(self, full: bool = False) -> int:
            seen.append({d.doc_id for d in CorpusCatalog(corpus).load().documents})  # what a build would read
            return len(seen)

    engine = Engine(Settings(index=tmp_path / "index", corpus=corpus), encoder)
    writes = DocumentWrites(CorpusStore(corpus, catalog), Recorder(engine, catalog))
    upload = json_upload(health_doc(), {"title": "Order", "lang": "en", "doc_id": "order-note"})
    writes.add(upload)
    writes.replace("order-note", upload)
    writes.delete("order-note")
    writes.delete(EN_DOC)
    assert ["order-note" in s for s in seen] == [True, True, False, False]
    assert EN_DOC in seen[2] and EN_DOC not in seen[3]


def test_body_caps_follow_the_route() -> None:
    from service.limits import MAX_IMPORT_BYTES, MAX_UPLOAD_BYTES, PUBLIC_BODY_BYTES, limit_for

    assert limit_for("POST", "/api/search") == limit_for("POST", "/api/ask") == PUBLIC_BODY_BYTES
    assert MAX_UPLOAD_BYTES < limit_for("POST", "/api/documents") == limit_for("PUT", "/api/documents/x")
    assert limit_for("POST", "/api/documents/import") > MAX_IMPORT_BYTES > MAX_UPLOAD_BYTES  # 50 files in one request
    assert limit_for("DELETE", "/api/documents/x") == PUBLIC_BODY_BYTES
