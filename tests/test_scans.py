"""Scans: page layout from Tesseract's boxes, image files read by OCR, and OCR results kept across processes.

Scans are rendered here with Pillow (no text layer) from the bundled communiqués and read back
by the real Tesseract; the layout rules are checked on the boxes Tesseract reports."""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path

import pytest

from indexer.ingest.corpus_files import CorpusStore, Upload
from indexer.ingest.ocr_layout import Line, page_text
from indexer.ingest.readers import DocumentError, OcrUnavailable, read_document_bytes, split_front_matter
from service.config import Settings
from service.indexing import corpus_catalog
from tests.conftest import CORPUS

EN_FILE = CORPUS / "en" / "2002-11-26-bnc-xix-migration-consular.md"
ES_HEADER = [
    "COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS",
    "Grupo de Trabajo sobre Energía",
    "Monterrey, 14 de mayo de 2004",
]
ES_TEXT = (
    "El Grupo de Trabajo sobre Energía acordó establecer un programa conjunto de eficiencia energética en las "
    "ciudades fronterizas, revisar las interconexiones eléctricas entre Baja California y California y presentar "
    "un informe sobre el comercio de gas natural antes de la próxima reunión plenaria de la Comisión."
)


def _page(lines: list[str], dpi: int = 150, width: int = 80) -> object:
    """One letter page as an image (DejaVu Serif 11 pt): header lines as given, body lines wrapped to the margin."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSerif.ttf"), dpi * 11 // 72)
    rows = [w for line in lines for w in (textwrap.wrap(line, width) or [""])]
    step = int(font.size * 1.35)
    # the top of a letter page: OCR time grows with the pixels, and the rest of a page is blank
    page = Image.new("L", (int(8.5 * dpi), int(1.6 * dpi) + step * len(rows)), 255)
    draw = ImageDraw.Draw(page)
    for i, row in enumerate(rows):
        draw.text((int(0.9 * dpi), int(0.8 * dpi) + i * step), row, font=font, fill=0)
    return page


def _image(pages: list[object], fmt: str) -> bytes:
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, fmt, save_all=bool(rest), append_images=rest)  # type: ignore[attr-defined]
    return out.getvalue()


def _words(text: str) -> list[str]:
    return text.split()


# --- layout rules, on boxes as Tesseract gives them -------------------------------------------------


def test_wrapped_lines_are_joined_and_lines_ended_by_the_author_are_kept() -> None:
    header = [
        Line("COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS", 100, 880),
        Line("Grupo de Trabajo sobre Energía", 100, 560),
    ]
    body = [
        Line("El Grupo de Trabajo acordó establecer un programa con-", 100, 1180),
        Line("junto de eficiencia energética en la región Arizona-", 100, 1170),
        Line("Sonora y revisar las interconexiones.", 100, 600),
    ]
    text = page_text([header, body])
    assert text == (
        "COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS\nGrupo de Trabajo sobre Energía\n\n"
        "El Grupo de Trabajo acordó establecer un programa conjunto de eficiencia energética en la región "
        "Arizona-Sonora y revisar las interconexiones."
    )


def test_a_paragraph_split_inside_a_sentence_is_put_back_together_and_real_breaks_stay() -> None:
    split = [[Line("The Working Group agreed to expand the exchange of data along the", 100, 1150)]]
    split.append([Line("river and to report before the plenary.", 100, 700)])
    assert (
        page_text(split)
        == "The Working Group agreed to expand the exchange of data along the river and to report before the plenary."
    )
    ended = [[Line("The Working Group agreed to expand the exchange of hydrological data.", 100, 1150)]]
    ended.append([Line("the next meeting will be held in Monterrey.", 100, 700)])  # a stop ends it
    assert page_text(ended).count("\n\n") == 1
    heading = [[Line("Background", 100, 300)], [Line("a) the parties met twice", 100, 1180)]]
    assert page_text(heading) == "Background\n\na) the parties met twice"  # a short heading is not a sentence
    assert page_text([]) == ""


# --- image files ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_png_scan_is_read_with_its_header_lines() -> None:
    doc = read_document_bytes(_image([_page([*ES_HEADER, "", ES_TEXT])], "PNG"), "ESCANEO 0001.png")
    assert (doc.lang, doc.date, doc.meta["working_group"], doc.meta["place"]) == (
        "es",
        "2004-05-14",
        "Grupo de Trabajo sobre Energía",
        "Monterrey",
    )
    head, body = doc.body.split("\n\n", 1)
    assert head.split("\n") == ES_HEADER  # the header block keeps its lines: a caps line, a title line, a date
    assert _words(body) == _words(ES_TEXT)  # the wrapped body is one paragraph again, word for word
    assert doc.meta["ocr"].startswith("p1 es ")


@pytest.mark.slow
def test_multipage_tiff_and_jpeg_scans() -> None:
    paras = [p for p in split_front_matter(EN_FILE.read_text("utf-8"))[1].split("\n\n") if p.strip()][:6]
    pages = [_page(paras[0].split("\n")), _page(paras[5:6])]
    tiff = read_document_bytes(_image(pages, "TIFF"), "scan.tif")
    assert tiff.lang == "en" and tiff.date == "2002-11-26"
    assert [p.split()[0] for p in tiff.meta["ocr"].split(", ")] == ["p1", "p2"]
    assert _words(paras[5])[-6:] == _words(tiff.body)[-6:]  # the second page is read, to its last words
    jpeg = read_document_bytes(_image([_page(paras[:1])], "JPEG"), "photo.jpg")
    assert jpeg.lang == "en" and jpeg.meta["ocr"].startswith("p1 en ")


def test_a_caps_header_alone_is_read_in_its_language() -> None:
    from indexer.ingest.langdetect_doc import detect_document_lang_confidence

    # langdetect alone reads this caps block as Somali (p=1.0), and the scan was refused
    en = "XIX U.S.-MEXICO BINATIONAL COMMISSION\nNOVEMBER 26, 2002\nMEXICO CITY, MEXICO"
    assert detect_document_lang_confidence(en)[0] == "en"
    assert detect_document_lang_confidence("\n".join(ES_HEADER).upper())[0] == "es"


def test_an_image_name_on_other_bytes_is_refused() -> None:
    with pytest.raises(DocumentError, match="not a PNG, JPEG or TIFF image"):
        read_document_bytes(b"just some text, not a picture", "scan.png")


# --- OCR kept across processes ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_scan_read_once_is_not_read_again_and_serves_without_tesseract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(index=tmp_path / "index", corpus=tmp_path / "corpus")
    scan = _image([_page([*ES_HEADER, "", ES_TEXT])], "PNG")
    stored = CorpusStore(settings.corpus, corpus_catalog(settings)).add(Upload(scan, "energia.png")).document
    assert settings.ocr_cache_path == tmp_path / "index" / "cache" / "ocr.sqlite" and settings.ocr_cache_path.is_file()
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary from here on: a new process on another host
    loaded = corpus_catalog(settings).load()  # a new catalog, as `bnc index` or a restarted server makes
    assert loaded.errors == [] and [d.body for d in loaded.documents] == [stored.body]
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-spa"):  # without the cache it must be read again
        read_document_bytes(scan, "energia.png")


def test_a_scan_served_from_the_cache_starts_no_tesseract_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from indexer.ingest.ocr import ocr_image
    from indexer.ingest.ocr_cache import OcrCache

    scan = _image([_page(["Border crossing cards", "", "Both delegations reviewed the card programme."])], "PNG")
    cache = OcrCache(tmp_path / "ocr.sqlite")
    first = ocr_image(scan, cache)
    started: list[object] = []
    real = subprocess.Popen

    class Counting(real):  # type: ignore[misc,valid-type]
        def __init__(self, args: object, *rest: object, **kw: object) -> None:
            started.append(args)
            super().__init__(args, *rest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(subprocess, "Popen", Counting)
    try:
        assert ocr_image(scan, cache) == first  # the page, its language and confidence as read the first time
        assert started == []  # neither the page nor Tesseract's version and models asked again
    finally:
        cache.close()
