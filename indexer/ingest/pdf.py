"""PDF text: the text layer of each page, and OCR (indexer.ingest.ocr) for the pages that have none; image scans."""

from __future__ import annotations

import io

from indexer.ingest import formats
from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge
from indexer.ingest.formats import MAX_BODY_CHARS
from indexer.ingest.html_text import tidy_paragraphs
from indexer.ingest.ocr_cache import OcrCache

MAX_PDF_PAGES = 500
MAX_PDF_PAGE_CONTENT = 2 * 1024 * 1024  # decoded content-stream bytes of one page (real pages: ~50 KB)
MIN_PAGE_TEXT = 20  # characters: a page with less in its text layer is a scan (a page number is not text)


def pdf_to_text(data: bytes, ocr_cache: OcrCache | None = None) -> formats.Extracted:
    """The text layer of every page; pages without one (scans) are read by OCR, in their own language."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("the PDF is encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentTooLarge(f"the PDF has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} are accepted")
        pages: list[str] = []
        total = 0
        for number, page in enumerate(reader.pages, start=1):
            # a few KB of compressed stream can inflate to megabytes of text operators, and text
            # extraction is the slow part: measure the decoded stream before extracting from it
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            if size > MAX_PDF_PAGE_CONTENT:
                raise DocumentTooLarge(
                    f"page {number} of the PDF holds {size // 1024} KB of content; "
                    f"at most {MAX_PDF_PAGE_CONTENT // 1024} KB per page are accepted"
                )
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_BODY_CHARS:
                raise DocumentTooLarge(f"the PDF's text is longer than {MAX_BODY_CHARS:,} characters")
            pages.append(text)
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"the PDF could not be read: {exc}") from None
    scanned = [n for n, text in enumerate(pages, start=1) if len(text.strip()) < MIN_PAGE_TEXT]
    out = formats.Extracted("")
    if scanned:
        from indexer.ingest.ocr import ocr_pages, ocr_summary

        done = ocr_pages(data, scanned, ocr_cache)
        for scan in done:
            total += len(scan.text)
            if total > MAX_BODY_CHARS:
                raise DocumentTooLarge(f"the PDF's text (with OCR) is longer than {MAX_BODY_CHARS:,} characters")
            pages[scan.number - 1] = scan.text
        out.file_meta["ocr"], notes = ocr_summary(done)
        out.notes.extend(notes)
    out.body = formats.paragraphs_to_body(tidy_paragraphs("\n\n".join(pages)).split("\n\n"))
    if not out.body:
        raise DocumentError("the PDF has no extractable text")
    return out


def image_to_text(data: bytes, ocr_cache: OcrCache | None = None) -> formats.Extracted:
    """A scanned image file (PNG, JPEG, TIFF, one page per frame): every page read by OCR."""
    from indexer.ingest.ocr import ocr_image, ocr_summary

    done = ocr_image(data, ocr_cache)
    text = "\n\n".join(p.text for p in done)
    if len(text) > MAX_BODY_CHARS:
        raise DocumentTooLarge(f"the image's text is longer than {MAX_BODY_CHARS:,} characters")
    out = formats.Extracted(formats.paragraphs_to_body(tidy_paragraphs(text).split("\n\n")))
    out.file_meta["ocr"], out.notes = ocr_summary(done)
    if not out.body:
        raise DocumentError("no text was found in the image (is it a scan of a page?)")
    return out
