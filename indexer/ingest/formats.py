"""One reader per format, chosen by the file's content as well as its name: Word, archive web pages, legacy text.

Each returns the body as blank-line separated paragraphs, so that the splitter numbers sections and
paragraphs the same way whatever the file was. PDFs (with OCR for scanned pages) are in pdf.py."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge

MAX_BODY_CHARS = 2_000_000  # about 300k words: ten times the longest communiqué in any archive
MAX_DOCX_UNZIPPED = 64 * 1024 * 1024  # all parts of a Word file, inflated (a long communiqué: ~1 MB)
MAX_DOCX_XML = 16 * 1024 * 1024  # of it, the XML parsed into a tree (about ten times its size in memory)
MAX_DOCX_PARTS = 2000
MAX_DOCX_PARAGRAPHS = 50_000  # a communiqué has hundreds
LEGACY_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "mac_roman"]  # older Western systems' plain text
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # scans sent as images, read by OCR
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HEADER_LINE_WORDS = 14
_SMALL_WORDS = {"and", "of", "on", "the", "for", "to", "in", "a", "y", "e", "o", "de", "del", "la", "las", "los", "el"}
_SMALL_WORDS |= {"en", "sobre", "para", "s"}


@dataclass
class Extracted:
    """A reader's result: the body, what the file itself says about it, and notes for the sender."""

    body: str
    file_meta: dict[str, Any] = field(default_factory=dict)  # the file's own title/date (page metadata)
    notes: list[str] = field(default_factory=list)  # e.g. the encoding a legacy text file was read in
    encoding: str = ""


def sniff(data: bytes, suffix: str) -> str:
    """The reader for these bytes: 'pdf', 'docx', 'image', 'html' or 'text' (content decides where unambiguous)."""
    head = data[:1024].lstrip()
    if data[:5] == b"%PDF-":
        return "pdf"
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if _is_docx(data) else "zip"
    low = head[:200].lower()
    if suffix in (".html", ".htm") or (
        suffix == ".txt" and (low.startswith(b"<!doctype html") or low.startswith(b"<html"))
    ):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    return "text"


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def is_header_line(line: str) -> bool:
    """A short line of a title block: a caps heading, a date, a place (no sentence-ending period)."""
    line = line.strip()
    if not line or len(line.split()) > _HEADER_LINE_WORDS:
        return False
    if line.endswith((".", ":", ";")) and not line.endswith(("D.C.", "U.S.", "C.")):
        return False
    letters = [c for c in line if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    if not letters:
        return False
    if upper == len(letters) or re.search(r"\d{4}", line):
        return True
    # a title-cased line: 'XIX U.S.-Mexico Binational Commission', 'Mexico City, Mexico'
    words = [w for w in re.findall(r"[^\W\d_]+", line) if w.lower() not in _SMALL_WORDS]
    return len(line.split()) <= 10 and bool(words) and all(w[0].isupper() for w in words)


def paragraphs_to_body(paragraphs: list[str]) -> str:
    """Paragraphs (one per Word paragraph or page line) as a body; the leading title-block lines stay one block.

    Word files and web pages put each line of the header (meeting, date, place) in a paragraph
    of its own; in Markdown they are one block, paragraph 0. Joining them makes both the same."""
    paras = [re.sub(r"[ \t]+", " ", p).strip() for p in paragraphs]
    paras = [p for p in paras if p]
    lead = 0
    while lead < len(paras) and all(is_header_line(line) for line in paras[lead].split("\n")):
        lead += 1
    if lead > 1:
        paras = ["\n".join(paras[:lead]), *paras[lead:]]
    return "\n\n".join(paras)


def _inflated_sizes(zf: zipfile.ZipFile) -> None:
    """DocumentTooLarge unless the parts, as actually inflated (counted while reading, never the
    sizes the archive declares), stay under the caps: all parts, and the XML the reader parses."""
    infos = zf.infolist()
    if len(infos) > MAX_DOCX_PARTS:
        raise DocumentTooLarge(f"the Word file has {len(infos)} parts; at most {MAX_DOCX_PARTS} are accepted")
    total = xml = 0
    for info in infos:
        with zf.open(info) as part:
            while chunk := part.read(1 << 20):
                total += len(chunk)
                if info.filename.endswith((".xml", ".rels")):
                    xml += len(chunk)
                if total > MAX_DOCX_UNZIPPED:
                    raise DocumentTooLarge(
                        f"the Word file inflates to more than {MAX_DOCX_UNZIPPED // (1024 * 1024)} MB (the limit)"
                    )
                if xml > MAX_DOCX_XML:
                    raise DocumentTooLarge(
                        f"the Word file's text and layout (XML) inflate to more than "
                        f"{MAX_DOCX_XML // (1024 * 1024)} MB (the limit)"
                    )


def docx_to_text(data: bytes) -> Extracted:
    """A Word file's paragraphs and tables in order; Heading styles become Markdown headings."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _inflated_sizes(zf)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise DocumentError(f"the file is not a Word (.docx) document ({type(exc).__name__})") from None
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError(f"the file is not a Word (.docx) document ({exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a damaged file, never a crash
        raise DocumentError(f"the Word file could not be read ({type(exc).__name__}: {exc})") from None
    # style names by id, read once: python-docx looks each paragraph's style up among all styles
    # (milliseconds a paragraph in a file with thousands of styles)
    styles = {s.style_id: s.name or "" for s in document.styles}
    paragraphs: list[str] = []
    for item in document.iter_inner_content():
        if len(paragraphs) >= MAX_DOCX_PARAGRAPHS:
            raise DocumentTooLarge(f"the Word file has more than {MAX_DOCX_PARAGRAPHS:,} paragraphs (the limit)")
        if isinstance(item, Table):
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                paragraphs.append(" | ".join(dict.fromkeys(c for c in cells if c)))
            continue
        text = item.text.replace("\t", " ")
        style = styles.get(item._p.style or "", "")
        level = _heading_level(style)
        if level and any(c.islower() for c in text):  # a caps heading is one already; others get Markdown's mark
            text = f"{'#' * level} {' '.join(text.split())}"
        paragraphs.append(text)
    meta: dict[str, Any] = {}
    title = (document.core_properties.title or "").strip()
    if title:
        meta["title"] = title[:500]
    return Extracted(paragraphs_to_body(paragraphs), meta)


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.fullmatch(r"Heading (\d)", style)
    return int(match.group(1)) if match else 0


def html_to_main_text(raw: str) -> Extracted | None:
    """An archive page's main text (no navigation, header, footer or link lists) and its own title/date.

    None when the extractor finds no main text (a bare fragment): the caller falls back to all text."""
    import trafilatura

    try:
        found = trafilatura.bare_extraction(
            raw,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_links=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # the extractor is best effort; the plain reader still reads the page
        return None
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip():
        return None
    meta: dict[str, Any] = {}
    date = getattr(found, "date", None)
    if date:
        meta["date"] = str(date)
    title = getattr(found, "title", None)
    if title:
        meta["title"] = str(title)[:500]
    return Extracted(paragraphs_to_body(text.split("\n")), meta)


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in: UTF-8 (or UTF-16 with a BOM), else a Western legacy encoding."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return _plausible(data.decode("utf-16"), "utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise DocumentError("the file is not valid UTF-8 text (nor UTF-16 despite its byte-order mark)") from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None or best.encoding not in LEGACY_ENCODINGS:
        raise DocumentError("the file is not valid UTF-8 text, nor text in a Western legacy encoding (cp1252, latin-1)")
    return _plausible(str(best), best.encoding), best.encoding


def _plausible(text: str, encoding: str) -> str:
    """Text decoded from a guessed encoding is refused when it reads like binary (controls, other scripts)."""
    body = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(body))
    foreign = sum(1 for c in body if ord(c) > 0x24F and unicodedata.category(c)[0] == "L")
    if controls or foreign > len(body) // 50:
        raise DocumentError(
            f"the file is not valid UTF-8 text; read as {encoding} it holds "
            f"{'control characters' if controls else 'letters of other scripts'}, so it is not a text file"
        )
    return body
