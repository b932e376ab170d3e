"""OCR of PDF pages without a text layer: pypdfium2 renders the page, Tesseract reads it.

The language is chosen per page: a quick low-resolution pass with both models (eng+spa) gives
text enough to detect the page's language, then the page is read at full resolution with that
language's model alone (one model reads its own accents and hyphenation best)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from typing import Any

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge, OcrUnavailable

OCR_DPI = 250  # scans arrive at 150-300 DPI; rendering above the source resolution adds nothing
PROBE_DPI = 100  # the language probe only needs words, not every accent
MAX_OCR_PAGES = 60  # OCR costs seconds per page: a scanned communiqué is a few pages
MAX_PAGE_PIXELS = 40_000_000  # rendered bitmap of one page (a letter page at 250 DPI: 5.8 MP)
PAGE_TIMEOUT_S = 120
LOW_CONFIDENCE = 80.0  # mean word confidence (0-100) under which a page is reported
TESSERACT_LANGS = {"en": "eng", "es": "spa"}
INSTALL_HINT = (
    "install Tesseract OCR with its English and Spanish models "
    "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa; "
    "the Dockerfile and .ci/ocr-setup.sh do this)"
)
_HEADERISH = re.compile(r"^[^a-z]*$")  # a line without lowercase letters: a caps heading, a date line


@dataclass(frozen=True)
class OcrPage:
    number: int  # 1-based page number in the PDF
    text: str
    lang: str  # "en", "es" or "" when the page's language could not be told
    confidence: float  # mean word confidence, 0-100


def check_tesseract() -> None:
    """OcrUnavailable, saying what to install, unless Tesseract and both language models are here."""
    import pytesseract

    if shutil.which(str(pytesseract.pytesseract.tesseract_cmd)) is None:
        raise OcrUnavailable(f"Tesseract is not installed on this server: {INSTALL_HINT}")
    try:
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, OSError) as exc:
        raise OcrUnavailable(f"Tesseract cannot run ({exc}): {INSTALL_HINT}") from None
    missing = sorted(set(TESSERACT_LANGS.values()) - have)
    if missing:
        raise OcrUnavailable(f"Tesseract lacks the language model(s) {', '.join(missing)}: {INSTALL_HINT}")


def _render(page: Any, dpi: int) -> Any:
    width, height = page.get_size()  # points
    scale = dpi / 72
    pixels = width * height * scale * scale
    if pixels > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
    return page.render(scale=scale, grayscale=True).to_pil()


def _read(image: Any, langs: str) -> tuple[str, float]:
    """Text with Tesseract's own paragraphs (blank-line separated) and the mean word confidence."""
    import pytesseract

    try:
        data = pytesseract.image_to_data(image, lang=langs, output_type=pytesseract.Output.DICT, timeout=PAGE_TIMEOUT_S)
    except RuntimeError as exc:  # pytesseract's timeout
        raise DocumentError(f"OCR took longer than {PAGE_TIMEOUT_S} s on one page ({exc})") from None
    except pytesseract.TesseractError as exc:
        raise DocumentError(f"OCR failed: {exc}") from None
    paragraphs: dict[tuple[int, int], dict[int, list[str]]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]))
        paragraphs.setdefault(key, {}).setdefault(int(data["line_num"][i]), []).append(word)
        conf = float(data["conf"][i])
        if conf >= 0:
            confs.append(conf)
    out = [
        _join_lines([" ".join(words) for _, words in sorted(lines.items())]) for _, lines in sorted(paragraphs.items())
    ]
    return "\n\n".join(p for p in out if p), (sum(confs) / len(confs) if confs else 0.0)


def _join_lines(lines: list[str]) -> str:
    """Heading-like lines (no lowercase) keep their breaks; wrapped body lines are one line again."""
    if all(_HEADERISH.match(line) for line in lines):
        return "\n".join(lines)
    text = ""
    for line in lines:
        # a word hyphenated at the line's end is one word again; a compound (Arizona-Sonora) keeps its hyphen
        glue = "" if text.endswith("-") else " "
        text = (text[:-1] if glue == "" and line[:1].islower() else text) + (glue if text else "") + line
    return text


def _page_lang(text: str) -> str:
    from indexer.ingest.langdetect_doc import detect_document_lang

    lang = detect_document_lang(text) if len(text) >= 40 else ""
    return lang if lang in TESSERACT_LANGS else ""


def ocr_pages(data: bytes, numbers: list[int]) -> list[OcrPage]:
    """OCR the given 1-based pages of a PDF, each in its own language."""
    if not numbers:
        return []
    if len(numbers) > MAX_OCR_PAGES:
        raise DocumentTooLarge(
            f"{len(numbers)} pages of the PDF have no text layer and need OCR; at most {MAX_OCR_PAGES} are accepted"
        )
    check_tesseract()
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"the PDF could not be rendered for OCR: {exc}") from None
    out: list[OcrPage] = []
    try:
        for number in numbers:
            page = pdf[number - 1]
            probe, _ = _read(_render(page, PROBE_DPI), "eng+spa")
            lang = _page_lang(probe)
            text, conf = _read(_render(page, OCR_DPI), TESSERACT_LANGS.get(lang, "eng+spa"))
            out.append(OcrPage(number, text, lang or _page_lang(text), round(conf, 1)))
    finally:
        pdf.close()
    return out
