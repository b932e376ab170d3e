"""Readers: front matter, HTML, PDF, language detection and clear errors for bad files."""

from __future__ import annotations

import pytest

from indexer.ingest.readers import DocumentError, read_document_bytes
from indexer.types import Document
from tests.conftest import EN_DOC, ES_DOC
from tests.helpers import one_page_pdf


def _pdf_with_text(text: str) -> bytes:
    return one_page_pdf(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())


def test_corpus_front_matter(docs_by_id: dict[str, Document]) -> None:
    en, es = docs_by_id[EN_DOC], docs_by_id[ES_DOC]
    assert (en.lang, en.date, en.translation_of) == ("en", "2002-11-26", None)
    assert (es.lang, es.date, es.translation_of) == ("es", "2002-11-26", EN_DOC)
    assert en.meta["working_group"] == "Working Group on Migration and Consular Affairs"
    assert "no es un texto oficial" in es.meta["translation"]
    assert en.body.startswith("XIX U.S.-MEXICO BINATIONAL COMMISSION")
    assert len(en.sha256) == 64


def test_missing_lang_is_detected_deterministically() -> None:
    data = "---\ntitle: Nota\n---\nLa Comisión acordó fortalecer la cooperación consular entre ambos países.\n"
    docs = [read_document_bytes(data.encode(), "nota.md") for _ in range(3)]
    assert {d.lang for d in docs} == {"es"}
    assert docs[0].doc_id == "nota"


def test_html_reader_keeps_paragraphs_and_drops_scripts() -> None:
    html = (
        "<html><head><title>Joint Statement</title><script>var x = 1;</script></head>"
        "<body><p>The delegations met in Washington.</p><p>They agreed to meet again.</p></body></html>"
    )
    doc = read_document_bytes(html.encode(), "statement.html", {"lang": "en"})
    assert doc.title == "Joint Statement"
    assert doc.body == "The delegations met in Washington.\n\nThey agreed to meet again."


def test_pdf_reader_extracts_text() -> None:
    doc = read_document_bytes(_pdf_with_text("Border Crossing Cards were issued"), "c.pdf", {"lang": "en"})
    assert "Border Crossing Cards were issued" in doc.body


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\xff\xfe\x00bad", "x.txt", "not valid UTF-8"),
        (b"%PDF-1.4 garbage", "x.pdf", "PDF"),
        (b"text", "x.docx", "not a Word"),
        (b"MZ\x90\x00binary", "x.exe", "unsupported file type"),
        (b"---\ndate: yesterday\n---\nThe text.", "x.md", "not an ISO date"),
        (b"---\nlang: fr\n---\nLe texte.", "x.md", "not supported"),
        (b"   \n", "x.txt", "no text"),
    ],
)
def test_bad_files_raise_clear_errors(data: bytes, name: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        read_document_bytes(data, name)
