"""Intake: communiqués as they arrive (Word, scans, archive pages, legacy text) with no hand-written metadata.

Fixtures are made here from the bundled communiqués with the real libraries: python-docx writes
the Word file, Pillow renders the scan (no text layer), the archive page wraps the text in a
site's navigation and footer; Tesseract and trafilatura read them back."""

from __future__ import annotations

import difflib
import io
import os
import re
import textwrap
from pathlib import Path

import pytest

from indexer.ingest.corpus_files import CorpusStore, DocumentExists, Upload
from indexer.ingest.header import detect_header, roman_to_int
from indexer.ingest.readers import DocumentError, OcrUnavailable, read_document_bytes, split_front_matter
from indexer.ingest.splitter import split_document
from indexer.retrieval.citations import citation_label
from tests.conftest import CORPUS

SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed" / "000_c0675b05e5b1a984.txt"
if not SEED.is_file():  # a worktree beside the main checkout, or CI's clone with shared/ beside it
    SEED = Path("/work/shared/data/seed/000_c0675b05e5b1a984.txt")
EN_FILE = CORPUS / "en" / "2002-11-26-bnc-xix-migration-consular.md"
ES_FILE = CORPUS / "es" / "2002-11-26-bnc-xix-migracion-asuntos-consulares.md"


def _body(path: Path) -> str:
    return split_front_matter(path.read_text("utf-8"))[1]


def _blocks(text: str) -> list[str]:
    return [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]


def _docx(body: str) -> bytes:
    """A Word file as a delegation sends one: each header line its own paragraph, a Heading style."""
    import docx

    document = docx.Document()
    for block in _blocks(body):
        lines = block.split("\n")
        if block == "CONCLUSION" or block == "CONCLUSIÓN":
            document.add_heading(block, level=1)
            continue
        for line in lines:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _wer(reference: str, hypothesis: str) -> float:
    ref, hyp = reference.split(), hypothesis.split()
    ops = difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal") / len(ref)


def _scan(paragraphs: list[str], dpi: int = 150) -> bytes:
    """One letter page rendered as an image (DejaVu Serif 11 pt) and saved as a PDF: no text layer."""
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSerif.ttf"), dpi * 11 // 72)
    page = Image.new("L", (int(8.5 * dpi), 11 * dpi), 255)
    draw = ImageDraw.Draw(page)
    y, step = int(0.8 * dpi), int(font.size * 1.35)
    for para in paragraphs:
        for line in para.split("\n"):
            for wrapped in textwrap.wrap(line, 90):
                draw.text((int(0.9 * dpi), y), wrapped, font=font, fill=0)
                y += step
        y += step
    assert y < 11 * dpi, "the excerpt must fit one page"
    out = io.BytesIO()
    page.save(out, "PDF", resolution=dpi)
    return out.getvalue()


# --- metadata from the text itself -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "lang", "meeting", "group", "place", "doc_id"),
    [
        (
            SEED,
            "en",
            "XIX U.S.-Mexico Binational Commission",
            "Working Group on Migration and Consular Affairs",
            "Mexico City, Mexico",
            "bnc-xix-2002-11-26-migration-consular-affairs-en",
        ),
        (
            ES_FILE,
            "es",
            "XIX Comisión Binacional México-Estados Unidos",
            "Grupo de Trabajo sobre Migración y Asuntos Consulares",
            "Ciudad de México, México",
            "bnc-xix-2002-11-26-migracion-asuntos-consulares-es",
        ),
    ],
)
def test_header_metadata_detected_without_front_matter(
    path: Path, lang: str, meeting: str, group: str, place: str, doc_id: str
) -> None:
    doc = read_document_bytes(_body(path).encode(), "000_c0675b05e5b1a984.txt")
    assert (doc.lang, doc.date, doc.doc_id) == (lang, "2002-11-26", doc_id)
    assert (doc.meta["meeting"], doc.meta["meeting_number"], doc.meta["working_group"], doc.meta["place"]) == (
        meeting,
        "19",
        group,
        place,
    )
    assert doc.title == f"{meeting}: {group}"
    assert doc.meta["origin_date"] == "detected 0.95" and doc.meta["origin_lang"].startswith("detected")
    assert doc.meta["origin_doc_id"] == "detected"


def test_given_fields_win_and_record_their_origin() -> None:
    doc = read_document_bytes(EN_FILE.read_bytes(), EN_FILE.name, {"place": "Washington, D.C."})
    assert doc.doc_id == "bnc-xix-2002-migration-consular-en"  # the file's own doc_id
    assert doc.meta["place"] == "Washington, D.C." and doc.meta["origin_place"] == "given"
    assert doc.meta["origin_meeting"] == "given" and doc.meta["meeting_number"] == "19"
    assert doc.meta["origin_meeting_number"] == "detected 0.95"
    assert doc.meta["origin_date"] == "given"


@pytest.mark.parametrize(
    ("header", "lang", "expected"),
    [
        (
            "XVI COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS\n4 DE JUNIO DE 1999\nWASHINGTON, D.C.\n\n"
            "GRUPO DE TRABAJO SOBRE MIGRACION Y\nASUNTOS CONSULARES",
            "es",
            {
                "meeting_number": "16",
                "date": "1999-06-04",
                "place": "Washington, D.C.",
                "working_group": "Grupo de Trabajo sobre Migracion y Asuntos Consulares",
            },
        ),
        (
            "XX U.S.-MEXICO BINATIONAL COMMISSION\nMexico City, November 25-26, 2003\n\n"
            "Working Group on Border Cooperation",
            "en",
            {
                "meeting_number": "20",
                "date": "2003-11-26",
                "place": "Mexico City",
                "working_group": "Working Group on Border Cooperation",
            },
        ),
        (  # a web page's header in one <p> without <br>
            "XIX COMISIÓN BINACIONAL MÉXICO-ESTADOS UNIDOS 26 DE NOVIEMBRE DE 2002 CIUDAD DE MÉXICO, MÉXICO",
            "es",
            {"meeting_number": "19", "date": "2002-11-26", "place": "Ciudad de México, México"},
        ),
        ("US - MEXICO BINATIONAL COMMISSION\n\nThe delegations met in 1999.", "en", {}),
    ],
)
def test_header_variants(header: str, lang: str, expected: dict[str, str]) -> None:
    found = {k: v.value for k, v in detect_header(header + "\n\nThe text of the communiqué.", lang).items()}
    assert {k: found[k] for k in expected} == expected
    if not expected:
        assert "date" not in found and "meeting_number" not in found  # a year in the body is no date


def test_roman_numerals() -> None:
    assert [roman_to_int(r) for r in ("XIX", "XVI", "XX", "IV", "IIII", "XIXX")] == [19, 16, 20, 4, None, None]


def test_citation_labels_from_detected_metadata() -> None:
    en = read_document_bytes(SEED.read_bytes(), SEED.name)
    es = read_document_bytes(_body(ES_FILE).encode(), "ES copy.txt")
    assert citation_label(en, 3) == (
        "XIX BNC, Working Group on Migration and Consular Affairs, Mexico City, 26 Nov 2002, ¶3"
    )
    assert citation_label(es, 3) == (
        "XIX Comisión Binacional, Grupo de Trabajo sobre Migración y Asuntos Consulares, Ciudad de México, "
        "26 nov 2002, ¶3"
    )


def test_paragraph_numbering_is_one_way_everywhere() -> None:
    """The header block (caps or mixed case) is no passage, ¶1 is the first body paragraph, headings unnumbered."""
    bodies = [
        "XIX U.S.-MEXICO BINATIONAL COMMISSION\nNOVEMBER 26, 2002\n\nFirst paragraph.\n\nSecond paragraph.",
        "XIX U.S.-Mexico Binational Commission\nNovember 26, 2002\n\nFirst paragraph.\n\nSecond paragraph.",
        "BACKGROUND\n\nFirst paragraph.\n\nSecond paragraph.",
        "First paragraph.\n\nSecond paragraph.",
    ]
    for body in bodies:
        doc = read_document_bytes(body.encode(), "x.txt", {"lang": "en"})
        numbered = {p.ordinal: p.text for p in split_document(doc) if p.ordinal}
        assert numbered == {1: "First paragraph.", 2: "Second paragraph."}, body


def test_wrapped_heading_lines_are_joined() -> None:
    body = "GRUPO DE TRABAJO SOBRE MIGRACIÓN Y\nASUNTOS CONSULARES\n\nEl Grupo de Trabajo se reunió en la capital."
    doc = read_document_bytes(body.encode(), "x.txt", {"lang": "es"})
    first = next(p for p in split_document(doc) if p.ordinal == 1)
    assert first.section == "Grupo de Trabajo sobre Migración y Asuntos Consulares"


# --- formats ---------------------------------------------------------------------------------


def test_docx_reads_like_the_markdown() -> None:
    md = read_document_bytes(_body(EN_FILE).encode(), "EN copy.txt")
    doc = read_document_bytes(_docx(_body(EN_FILE)), "Communique.docx")
    assert (doc.doc_id, doc.date, doc.meta["meeting_number"]) == (md.doc_id, "2002-11-26", "19")
    assert doc.meta["working_group"] == md.meta["working_group"]

    def numbered(d: object) -> list[tuple[int, str, str]]:
        return [(p.ordinal, p.section, p.text) for p in split_document(d) if p.ordinal]  # type: ignore[arg-type]

    assert numbered(doc) == numbered(md)  # same sections, same paragraph numbers, same text
    assert split_document(doc)[0].ordinal == 1  # the header lines are metadata in both
    assert not any("NOVEMBER 26, 2002" in p.text for p in split_document(doc))


def test_docx_heading_styles_become_sections() -> None:
    import docx

    document = docx.Document()
    document.add_heading("Border Health", level=1)
    document.add_paragraph("The delegations agreed to expand tuberculosis screening along the border.")
    out = io.BytesIO()
    document.save(out)
    doc = read_document_bytes(out.getvalue(), "health.docx", {"lang": "en"})
    passages = split_document(doc)
    assert [(p.ordinal, p.section) for p in passages] == [(1, "Border Health")]
    assert doc.title == "Border Health"  # the first line, without the heading mark the body carries


def _rtf(body: str, title: str) -> bytes:
    """An RTF file as a word processor of the time saved one: cp1252 escapes, \\u for the rest, a \\par each."""

    def escape(text: str) -> str:
        out = []
        for ch in text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}"):
            if ord(ch) < 128:
                out.append(ch)
            elif ch.encode("cp1252", "ignore"):
                out.append(f"\\'{ch.encode('cp1252')[0]:02x}")
            else:
                out.append(f"\\u{ord(ch)}?")
        return "".join(out)

    lines = [
        f"\\pard\\plain\\f0\\fs24 {escape(line)}\\par" for block in _blocks(body) for line in (*block.split("\n"), "")
    ]
    head = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
    return (head + f"{{\\info{{\\title {escape(title)}}}}}\n" + "\n".join(lines) + "}").encode("ascii")


def test_rtf_reads_like_the_markdown() -> None:
    md = read_document_bytes(_body(ES_FILE).encode(), "ES copy.txt")
    doc = read_document_bytes(_rtf(_body(ES_FILE), "Comunicado conjunto – Migración"), "COMUNICADO.RTF")
    assert (doc.doc_id, doc.lang, doc.date, doc.meta["working_group"]) == (
        md.doc_id,
        "es",
        "2002-11-26",
        md.meta["working_group"],
    )

    def numbered(d: object) -> list[tuple[int, str, str]]:
        return [(p.ordinal, p.section, p.text) for p in split_document(d) if p.ordinal]  # type: ignore[arg-type]

    assert numbered(doc) == numbered(md)  # accents from the cp1252 escapes; same sections, ¶ numbers and text
    assert doc.title == "Comunicado conjunto – Migración" and doc.meta["origin_title"] == "file"  # \\u8211 dash
    with pytest.raises(DocumentError, match="not an RTF document"):
        read_document_bytes(b"plain words", "x.rtf")


def test_archive_page_keeps_the_communique_and_drops_the_site() -> None:
    paras = _blocks(_body(EN_FILE))[:6]
    header, rest = paras[0].split("\n"), paras[1:]
    page = (
        "<!DOCTYPE html><html><head><title>XIX Binational Commission - Migration | U.S. Embassy</title>"
        '<meta name="date" content="2002-12-02"></head><body>'
        '<header><div class="banner">U.S. Embassy Mexico City</div><nav><ul>'
        + "".join(f'<li><a href="/{w.lower()}">{w} and Services</a></li>' for w in ("Home", "Press", "Visas", "About"))
        + "</ul></nav></header><main><article>"
        + "<p>"
        + "<br>".join(header)
        + "</p>"
        + "".join(f"<p>{p}</p>" for p in rest)
        + '</article><aside><h3>Related links</h3><ul><li><a href="/a">Embassy newsletter archive</a></li>'
        '<li><a href="/b">Ambassador speeches archive</a></li></ul></aside></main>'
        "<footer><p>This site is managed by the Bureau of Public Affairs. Privacy policy. Copyright notice.</p>"
        "</footer></body></html>"
    )
    doc = read_document_bytes(page.encode(), "archive.html")
    for para in rest:
        assert para in doc.body
    for boilerplate in ("Home and Services", "newsletter archive", "Privacy policy", "U.S. Embassy Mexico City"):
        assert boilerplate not in doc.body
    assert doc.title == "XIX Binational Commission - Migration | U.S. Embassy" and doc.meta["origin_title"] == "file"
    assert doc.date == "2002-11-26"  # the communiqué's own header beats the page's publication date
    assert split_document(doc)[0].ordinal == 1  # the header lines are metadata, not a passage


def test_archive_page_date_used_when_the_text_has_none() -> None:
    text = "".join(f"<p>{p}</p>" for p in _blocks(_body(EN_FILE))[2:6])
    page = (
        f'<html><head><title>Migration</title><meta name="date" content="2002-12-02"></head><body>{text}</body></html>'
    )
    doc = read_document_bytes(page.encode(), "page.html")
    assert doc.date == "2002-12-02" and doc.meta["origin_date"] == "file"


def test_cp1252_text_is_detected_and_decoded() -> None:
    body = _body(ES_FILE)
    data = body.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_document_bytes(data, "ANTIGUO.TXT")
    assert doc.body == body.strip("\n") and doc.lang == "es" and doc.date == "2002-11-26"
    assert doc.meta["encoding"] == "cp1252" and "read as cp1252" in doc.meta["intake_warnings"]


def test_binary_is_still_refused() -> None:
    with pytest.raises(DocumentError, match="not valid UTF-8"):
        read_document_bytes(bytes(range(256)) * 4, "x.txt")


def test_scanned_pdf_without_tesseract_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary on the PATH
    with pytest.raises(OcrUnavailable, match="tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa"):
        read_document_bytes(_scan(["XIX U.S.-MEXICO BINATIONAL COMMISSION"], dpi=50), "scan.pdf")


@pytest.mark.slow
@pytest.mark.parametrize(("path", "lang"), [(EN_FILE, "en"), (ES_FILE, "es")])
def test_scanned_pdf_is_read_by_ocr(path: Path, lang: str) -> None:
    paras = _blocks(_body(path))[:5]
    doc = read_document_bytes(_scan(paras), "SCAN_0001.pdf")
    assert _wer("\n".join(paras), doc.body) <= 0.02
    assert (doc.lang, doc.date, doc.meta["meeting_number"]) == (lang, "2002-11-26", "19")
    assert doc.meta["ocr"].startswith(f"p1 {lang} ")
    assert split_document(doc)[0].ordinal == 1  # the header block read by OCR is metadata too


# --- the one writer --------------------------------------------------------------------------


def test_store_derives_ids_and_still_refuses_collisions(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    stored = store.add(Upload(SEED.read_bytes(), SEED.name))
    assert stored.document.doc_id == "bnc-xix-2002-11-26-migration-consular-affairs-en"
    assert stored.document.path == "en/bnc-xix-2002-11-26-migration-consular-affairs-en.txt"
    with pytest.raises(DocumentExists):  # the same communiqué again, as a Word file this time
        store.add(Upload(_docx(_body(EN_FILE)), "Copy of communique.docx"))
    es = store.add(Upload(_docx(_body(ES_FILE)), "Versión en español.docx")).document
    assert es.doc_id == "bnc-xix-2002-11-26-migracion-asuntos-consulares-es"
    loaded = store.catalog.load()
    assert loaded.errors == [] and {d.doc_id for d in loaded.documents} == {stored.document.doc_id, es.doc_id}


def test_the_same_text_under_another_name_is_refused_and_a_correction_is_not(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    text = "\n\n".join(_blocks(_body(EN_FILE))[3:8])  # no header: the id comes from the file name
    first = store.add(Upload(_docx(text), "consular affairs.docx")).document
    assert first.doc_id == "consular-affairs"
    with pytest.raises(DocumentExists, match="same text is already in the archive as 'consular-affairs'"):
        store.add(Upload(text.upper().encode(), "Copy of consular affairs.txt"))  # other format, case: one text
    with pytest.raises(DocumentExists, match="consular-affairs"):
        store.check(Upload(text.encode(), "again.txt"))  # `bnc add --dry-run` says so too
    corrected = text.replace("intense dialogue", "productive dialogue", 1)
    assert corrected != text
    assert store.add(Upload(corrected.encode(), "consular affairs v2.txt")).document.doc_id == "consular-affairs-v2"


# --- bulk import -----------------------------------------------------------------------------


def test_bnc_add_imports_a_folder_without_metadata(
    tmp_path: Path, index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from service.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / SEED.name).write_bytes(SEED.read_bytes())  # the founding communiqué as it was received
    (inbox / "Comunicado XIX.docx").write_bytes(_docx(_body(ES_FILE)))
    (inbox / "copia antigua.txt").write_bytes(_body(ES_FILE).encode("cp1252"))  # the same id again: refused
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    (index / "cache").mkdir(parents=True)  # the session index's embedding cache: nothing is re-encoded
    (index / "cache" / "embeddings.sqlite").write_bytes((index_dir / "cache" / "embeddings.sqlite").read_bytes())
    base = ["add", str(inbox), "--corpus", str(corpus), "--index", str(index), "--quiet"]

    assert main([*base, "--dry-run"]) == 1  # two files cannot be added
    out = capsys.readouterr().out
    assert "would add" in out and "dry run" in out and not corpus.exists()

    assert main([*base, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    rows = {Path(r["file"]).name: r for r in report["files"]}
    en, es = rows[SEED.name], rows["Comunicado XIX.docx"]
    en_id, es_id = (
        "bnc-xix-2002-11-26-migration-consular-affairs-en",
        "bnc-xix-2002-11-26-migracion-asuntos-consulares-es",
    )
    assert (en["action"], en["doc_id"], en["lang"], en["date"]) == ("added", en_id, "en", "2002-11-26")
    assert (es["action"], es["doc_id"], es["lang"], es["date"]) == ("added", es_id, "es", "2002-11-26")
    assert en["meeting"] == "XIX U.S.-Mexico Binational Commission" and es["working_group"].startswith(
        "Grupo de Trabajo"
    )
    assert (en["paired_with"], es["paired_with"]) == (es_id, en_id) and en["pair_score"] >= 0.5
    assert rows["copia antigua.txt"]["action"] == "refused" and es_id in rows["copia antigua.txt"]["error"]
    assert rows["broken.pdf"]["action"] == "refused" and "PDF" in rows["broken.pdf"]["error"]
    assert report["build"]["documents"] == 2

    assert main(["search", "¿Cuántas tarjetas de cruce fronterizo se emitieron?", "--index", str(index), "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert hit["citation"]["label"].startswith("XIX ") and hit["citation"]["label"].endswith("2002, ¶14")
    assert hit.get("twin") is not None  # the detected pair lends its twin as a hand-given one does
