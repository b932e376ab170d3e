"""Every file is read in a bounded worker: hostile files are refused on a limit, never stall the process."""

from __future__ import annotations

import io
import shutil
import threading
import time
import zipfile

import pytest

from indexer.ingest import ocr
from indexer.ingest.bounded import Limits, ReadLimitExceeded, run_bounded
from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge
from indexer.ingest.formats import MAX_DOCX_XML
from indexer.ingest.readers import read_document_bytes

SMALL = Limits(wall_s=1.0, cpu_s=1, memory_mb=512, ocr_budget_s=0)


def _docx(paragraphs: list[str], styles: int = 0, extra: bytes = b"") -> bytes:
    """A Word file from python-docx's template, its parts written here: `styles` paragraph styles,
    paragraph i in style i modulo their number; `extra` a junk XML part."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                body = "".join(
                    f'<w:p><w:pPr><w:pStyle w:val="S{i % styles}"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>'
                    if styles
                    else f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"
                    for i, t in enumerate(paragraphs)
                )
                data = f"<w:document {w}><w:body>{body}</w:body></w:document>".encode()
            elif info.filename == "word/styles.xml" and styles:
                defs = "".join(
                    f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="Custom {i}"/></w:style>'
                    for i in range(styles)
                )
                data = f"<w:styles {w}>{defs}</w:styles>".encode()
            zf.writestr(info, data)
        if extra:
            zf.writestr("word/padding.xml", extra)
    return out.getvalue()


def test_a_reader_over_its_wall_clock_limit_is_killed_and_the_next_file_is_read() -> None:
    started = time.monotonic()
    with pytest.raises(ReadLimitExceeded, match=r"longer than 1 s \(the limit per file\)") as refused:
        run_bounded("probe_sleep", (30,), SMALL)
    assert refused.value.limit == "time" and time.monotonic() - started < 10
    assert run_bounded("probe_sleep", (0,), SMALL) is None  # a fresh worker took its place


def test_a_reader_over_its_cpu_or_memory_limit_is_refused_naming_the_limit() -> None:
    limits = Limits(wall_s=30, cpu_s=1, memory_mb=512)
    with pytest.raises(ReadLimitExceeded, match=r"more than 1 s of CPU time") as cpu:
        run_bounded("probe_cpu", (20,), limits)
    assert cpu.value.limit == "cpu"
    with pytest.raises(ReadLimitExceeded, match=r"more than 512 MB of memory") as memory:
        run_bounded("probe_memory", (2048,), limits)
    assert memory.value.limit == "memory"


def test_a_busy_reader_does_not_hold_this_process() -> None:
    # a parser spinning in C holds the interpreter lock of the process it runs in: every thread stops
    worker = threading.Thread(target=run_bounded, args=("probe_cpu", (1.5,), Limits(wall_s=30, cpu_s=10)))
    worker.start()
    gaps = []
    while worker.is_alive():
        before = time.monotonic()
        time.sleep(0.01)
        gaps.append(time.monotonic() - before)
    worker.join()
    assert max(gaps) < 0.5


def test_an_rtf_font_table_without_semicolons_reads_at_once() -> None:
    rtf = ("{\\rtf1\\ansi{\\fonttbl" + "\\f1\\fcharset0 " * 100 + "}The delegations agreed.\\par}").encode()
    started = time.monotonic()
    doc = read_document_bytes(rtf, "f.rtf", {"lang": "en"})
    assert time.monotonic() - started < 5  # the library's regex backtracked for ~19 s here
    assert doc.body == "The delegations agreed."


def test_a_word_file_is_measured_by_what_it_inflates_to() -> None:
    bomb = _docx(["The delegations agreed."], extra=b"<x>" + b" " * (MAX_DOCX_XML + 1024) + b"</x>")
    assert len(bomb) < 200_000
    with pytest.raises(DocumentTooLarge, match=r"inflate to more than 16 MB \(the limit\)"):
        read_document_bytes(bomb, "bomb.docx")


def test_a_word_file_with_many_styles_and_paragraphs_reads_in_linear_time() -> None:
    data = _docx([f"Paragraph {i} of the joint statement." for i in range(3000)], styles=3000)
    started = time.monotonic()
    doc = read_document_bytes(data, "styles.docx", {"lang": "en"})
    assert time.monotonic() - started < 3  # a style lookup per paragraph among all styles: ~12 s
    assert doc.body.count("joint statement") == 3000


def test_an_image_too_large_is_refused_from_its_header_and_errors_name_no_address() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10_000, 8_000), 1).save(out, "PNG")  # 80 megapixels in a few KB
    with pytest.raises(DocumentTooLarge, match=r"10000 x 8000 pixels; at most 60,000,000"):
        read_document_bytes(out.getvalue(), "blank.png")
    with pytest.raises(DocumentError) as broken:
        read_document_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png")
    assert "0x" not in str(broken.value) and "object at" not in str(broken.value)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract not installed")
def test_ocr_has_one_budget_for_the_whole_document(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image, ImageDraw

    pages = []
    for i in range(3):
        page = Image.new("L", (600, 200), 255)
        ImageDraw.Draw(page).text((20, 80), f"Page {i} of the joint statement", fill=0)
        pages.append(page)
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    monkeypatch.setattr(ocr, "OCR_BUDGET_S", 0.2)  # in this process: the reader's own budget, not the worker's
    with pytest.raises(DocumentTooLarge, match=r"OCR took longer than 0.2 s \(the limit per document\)"):
        ocr.ocr_image(out.getvalue())
