"""OCR of scans (PDF pages without a text layer, rendered by pypdfium2; image files), read by Tesseract.

The language is chosen per page: a quick low-resolution pass with both models (eng+spa) gives
text enough to detect the page's language, then the page is read at full resolution with that
language's model alone (one model reads its own accents and hyphenation best)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge, OcrUnavailable
from indexer.ingest.ocr_cache import OcrCache, page_key
from indexer.ingest.ocr_layout import Line, page_text

OCR_DPI = 250  # scans arrive at 150-300 DPI; rendering above the source resolution adds nothing
PROBE_DPI = 100  # the language probe only needs words, not every accent
MAX_OCR_PAGES = 60  # OCR costs seconds per page: a scanned communiqué is a few pages
MAX_PAGE_PIXELS = 40_000_000  # rendered bitmap of one page (a letter page at 250 DPI: 5.8 MP)
PAGE_TIMEOUT_S = 120
OCR_BUDGET_S = 300  # all pages of one document together: past it the document is refused
MAX_IMAGE_PIXELS = 60_000_000  # a frame larger than this (from its header) is refused before it is decoded
TESSERACT_THREADS = 1  # OpenMP threads per Tesseract process (0: OpenMP's default, one per core; see _tesseract_words)
LOW_CONFIDENCE = 80.0  # mean word confidence (0-100) under which a page is reported
TESSERACT_LANGS = {"en": "eng", "es": "spa"}
INSTALL_HINT = (
    "install Tesseract OCR with its English and Spanish models "
    "(Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa; "
    "the Dockerfile and .ci/ocr-setup.sh do this)"
)


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


def _tesseract_words(image: Any, langs: str, deadline: float) -> dict[str, list[str]]:
    """Tesseract's TSV (one row per word box) as columns, from one Tesseract process on one thread.

    Run here rather than through pytesseract to give the process its own environment: with
    OpenMP's default of one thread per core, one page took 19-38 s on this 2-core machine under
    load, against 0.8 s on one thread (`OMP_THREAD_LIMIT`, as Tesseract's docs advise when
    pages are read in parallel). The server's own OpenMP (faiss) is left alone."""
    import pytesseract

    with tempfile.TemporaryDirectory(prefix="bnc-ocr-") as tmp:
        src = os.path.join(tmp, "page.png")
        image.save(src, "PNG")
        cmd = [str(pytesseract.pytesseract.tesseract_cmd), src, "stdout", "-l", langs, "tsv"]
        env = {**os.environ, "OMP_THREAD_LIMIT": str(TESSERACT_THREADS)} if TESSERACT_THREADS else None
        left = deadline - time.monotonic()
        if left <= 0:
            raise DocumentTooLarge(f"OCR took longer than {OCR_BUDGET_S} s (the limit per document)")
        try:
            done = subprocess.run(cmd, capture_output=True, env=env, timeout=min(PAGE_TIMEOUT_S, left), check=False)
        except subprocess.TimeoutExpired:
            if left < PAGE_TIMEOUT_S:
                raise DocumentTooLarge(f"OCR took longer than {OCR_BUDGET_S} s (the limit per document)") from None
            raise DocumentError(f"OCR took longer than {PAGE_TIMEOUT_S} s on one page") from None
        except OSError as exc:
            raise OcrUnavailable(f"Tesseract could not be started ({exc}): {INSTALL_HINT}") from None
    if done.returncode != 0:
        raise DocumentError(f"OCR failed: {done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    rows = done.stdout.decode("utf-8", "replace").split("\n")
    header = rows[0].split("\t")
    columns: dict[str, list[str]] = {name: [] for name in header}
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) == len(header):
            for name, cell in zip(header, cells, strict=True):
                columns[name].append(cell)
    if "text" not in columns:
        raise DocumentError("OCR gave no output for the page")
    return columns


def _read(image: Any, langs: str, deadline: float) -> tuple[str, float]:
    """The page's text (indexer.ingest.ocr_layout) and the mean word confidence."""
    data = _tesseract_words(image, langs, deadline)
    lines: dict[tuple[int, int, int], list[tuple[str, int, int]]] = {}
    confs: list[float] = []
    for i, word in enumerate(data["text"]):
        word = word.strip()
        if not word:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        left = int(data["left"][i])
        lines.setdefault(key, []).append((word, left, left + int(data["width"][i])))
        conf = float(data["conf"][i])
        if conf >= 0:
            confs.append(conf)
    paragraphs: dict[tuple[int, int], list[Line]] = {}
    for (block, par, _), words in sorted(lines.items()):
        line = Line(" ".join(w for w, _, _ in words), min(x for _, x, _ in words), max(x for _, _, x in words))
        paragraphs.setdefault((block, par), []).append(line)
    return page_text(list(paragraphs.values())), (sum(confs) / len(confs) if confs else 0.0)


def _page_lang(text: str) -> str:
    from indexer.ingest.langdetect_doc import detect_document_lang

    lang = detect_document_lang(text) if len(text) >= 40 else ""
    return lang if lang in TESSERACT_LANGS else ""


LAYOUT = 2  # version of the rules that turn Tesseract's boxes into paragraphs (part of the cache key)
_SETTINGS = f"{','.join(sorted(TESSERACT_LANGS.values()))} {OCR_DPI}/{PROBE_DPI} layout {LAYOUT}"


_ENGINES: dict[tuple[str, int], str] = {}  # a binary (path, mtime) that ran: its version


def _engine() -> str | None:
    """Tesseract's version, or None where it cannot run here (a cached page is then served as read before).

    A binary that ran once is not asked again while it stays the same file: a corpus of scans
    served from the OCR cache would otherwise start two Tesseract processes per file. A failed
    probe is not remembered, so models installed meanwhile are found."""
    import pytesseract

    path = shutil.which(str(pytesseract.pytesseract.tesseract_cmd))
    try:
        key = (str(path), os.stat(path).st_mtime_ns) if path else None
    except OSError:
        key = None
    if key is None:
        return None
    if key not in _ENGINES:
        try:
            check_tesseract()
            _ENGINES[key] = f"tesseract {pytesseract.get_tesseract_version()}"
        except (OcrUnavailable, pytesseract.TesseractNotFoundError, OSError):
            return None
    return _ENGINES[key]


def _ocr_page(
    data: bytes,
    number: int,
    image: Callable[[bool], Any],
    cache: OcrCache | None,
    engine: str | None,
    deadline: float,
) -> OcrPage:
    """One page in its own language: a low-resolution probe with both models picks the model for the full read."""
    key = page_key(data, number, _SETTINGS)
    hit = cache.get(key) if cache is not None else None
    if hit is not None and (engine is None or hit[3] == engine):  # another Tesseract version reads it again
        return OcrPage(number, hit[0], hit[1], hit[2])
    if engine is None:
        check_tesseract()  # raises, saying what to install
    probe, _ = _read(image(True), "eng+spa", deadline)
    lang = _page_lang(probe)
    text, conf = _read(image(False), TESSERACT_LANGS.get(lang, "eng+spa"), deadline)
    page = OcrPage(number, text, lang or _page_lang(text), round(conf, 1))
    if cache is not None:
        cache.put(key, page.text, page.lang, page.confidence, str(engine))
    return page


def ocr_pages(data: bytes, numbers: list[int], cache: OcrCache | None = None) -> list[OcrPage]:
    """OCR the given 1-based pages of a PDF, each in its own language (from `cache` when read before)."""
    if not numbers:
        return []
    if len(numbers) > MAX_OCR_PAGES:
        raise DocumentTooLarge(
            f"{len(numbers)} pages of the PDF have no text layer and need OCR; at most {MAX_OCR_PAGES} are accepted"
        )
    engine = _engine()
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"the PDF could not be rendered for OCR: {exc}") from None

    def rendered(number: int) -> Callable[[bool], Any]:
        return lambda probe: _render(pdf[number - 1], PROBE_DPI if probe else OCR_DPI)

    try:
        deadline = time.monotonic() + OCR_BUDGET_S
        return [_ocr_page(data, n, rendered(n), cache, engine, deadline) for n in numbers]
    finally:
        pdf.close()


def ocr_image(data: bytes, cache: OcrCache | None = None) -> list[OcrPage]:
    """OCR a scanned image file (PNG, JPEG, TIFF; each frame of a multi-page TIFF is a page)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    engine = _engine()
    try:
        img = Image.open(io.BytesIO(data))  # reads the header only: sizes are known before any decoding
        frames = int(getattr(img, "n_frames", 1))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        # the library's message names a memory address ("<_io.BytesIO object at 0x...>"): say only what failed
        raise DocumentError(f"the image could not be read ({type(exc).__name__})") from None
    except Image.DecompressionBombError:
        raise DocumentTooLarge(f"the image is larger than {MAX_IMAGE_PIXELS:,} pixels a page (the limit)") from None
    if frames > MAX_OCR_PAGES:
        raise DocumentTooLarge(f"the image has {frames} pages; at most {MAX_OCR_PAGES} are read by OCR")
    deadline = time.monotonic() + OCR_BUDGET_S
    pages: list[OcrPage] = []
    with img:
        for number in range(1, frames + 1):
            try:
                img.seek(number - 1)
            except (OSError, ValueError, SyntaxError) as exc:
                raise DocumentError(f"page {number} of the image could not be read ({type(exc).__name__})") from None
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise DocumentTooLarge(
                    f"page {number} of the image is {img.width} x {img.height} pixels; "
                    f"at most {MAX_IMAGE_PIXELS:,} pixels a page are read (the limit)"
                )
            try:
                if img.mode != "L":
                    img.draft("L", (img.width, img.height))  # a JPEG decodes straight to grey
                page = ImageOps.exif_transpose(img).convert("L")  # a phone photo's rotation is in its EXIF
            except (OSError, ValueError, SyntaxError) as exc:
                raise DocumentError(f"page {number} of the image could not be read ({type(exc).__name__})") from None
            if page.width * page.height > MAX_PAGE_PIXELS:
                scale = (MAX_PAGE_PIXELS / (page.width * page.height)) ** 0.5
                page = page.resize((int(page.width * scale), int(page.height * scale)))

            def sized(probe: bool, page: Any = page) -> Any:
                if not probe:
                    return page
                w, h = page.width * PROBE_DPI // OCR_DPI, page.height * PROBE_DPI // OCR_DPI
                return page.resize((max(1, w), max(1, h)))

            pages.append(_ocr_page(data, number, sized, cache, engine, deadline))
    return pages


def ocr_summary(pages: list[OcrPage]) -> tuple[str, list[str]]:
    """The document's `ocr` field (page, language model, mean word confidence) and notes on weak pages."""
    summary = ", ".join(f"p{p.number} {p.lang or 'eng+spa'} {p.confidence:.0f}" for p in pages)
    weak = [p for p in pages if p.confidence < LOW_CONFIDENCE]
    notes = [f"OCR confidence low on page {p.number} ({p.confidence:.0f}/100)" for p in weak]
    return summary, notes
