"""Read corpus files (.md/.txt with front matter, .html, .pdf) into Documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from indexer.ingest.langdetect_doc import detect_document_lang
from indexer.ingest.metadata import MetadataError, check_fields, load_metadata
from indexer.types import LANGS, Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_BODY_CHARS = 2_000_000  # about 300k words: ten times the longest communiqué in any archive
MAX_PDF_PAGES = 500
MAX_PDF_PAGE_CONTENT = 2 * 1024 * 1024  # decoded content-stream bytes of one page (real pages: ~50 KB)


class DocumentError(ValueError):
    """A corpus file that cannot be turned into a Document; the message says why."""


class DocumentTooLarge(DocumentError):
    """A file whose text (or pages) exceeds what one communiqué can hold: refused before full parsing."""


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:120] or "doc"


def normalize_text(text: str) -> str:
    """NFC, unix newlines, no control characters: offsets are computed on this form."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text.lstrip("\ufeff"))


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = load_metadata(match.group(1), "front matter")
    except MetadataError as exc:
        raise DocumentError(str(exc)) from None
    return meta, text[match.end() :]


class _TextExtractor(HTMLParser):
    _BLOCKS: ClassVar[set[str]] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def _tidy_paragraphs(text: str) -> str:
    paras = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


def html_to_text(raw: str) -> tuple[str, str]:
    parser = _TextExtractor()
    parser.feed(raw)
    return parser.title.strip(), _tidy_paragraphs("".join(parser.parts))


def pdf_to_text(data: bytes) -> str:
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
    text = _tidy_paragraphs("\n\n".join(pages))
    if not text:
        raise DocumentError("the PDF has no extractable text")
    return text


def _iso_date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise DocumentError(f"date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def document_from_text(
    text: str,
    meta: dict[str, Any],
    *,
    fallback_id: str,
    sha256: str,
    path: str = "",
) -> Document:
    """Build a Document from a body and its metadata; detects a missing language."""
    if len(text) > MAX_BODY_CHARS:
        raise DocumentTooLarge(f"the text is longer than {MAX_BODY_CHARS:,} characters")
    try:
        meta = check_fields(meta)
    except MetadataError as exc:
        raise DocumentError(str(exc)) from None
    body = normalize_text(text).strip("\n")
    if not body.strip():
        raise DocumentError("the document has no text")
    lang = str(meta.get("lang") or "").strip().lower() or detect_document_lang(body)
    if lang not in LANGS:
        raise DocumentError(f"language {lang!r} is not supported (expected one of {', '.join(LANGS)})")
    doc_id = slugify(str(meta.get("doc_id") or fallback_id))
    title = str(meta.get("title") or "").strip() or body.split("\n", 1)[0][:120]
    known = {"doc_id", "lang", "title", "date", "source", "source_url", "translation_of"}
    extra = {str(k): str(v) for k, v in meta.items() if k not in known and v is not None}
    translation_of = meta.get("translation_of")
    return Document(
        doc_id=doc_id,
        lang=lang,
        title=normalize_text(title),
        body=body,
        date=_iso_date(meta.get("date")),
        source=str(meta.get("source") or path or ""),
        source_url=str(meta.get("source_url") or ""),
        translation_of=slugify(str(translation_of)) if translation_of else None,
        meta=extra,
        sha256=sha256,
        path=path,
    )


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("the file is not valid UTF-8 text") from None


def read_document_bytes(
    data: bytes, filename: str, meta: dict[str, Any] | None = None, path: str = "", fallback_id: str | None = None
) -> Document:
    """Parse one file's bytes; `meta` (e.g. from an upload form) overrides what the file says.

    The doc_id is `meta`'s, else the file's own, else `fallback_id` (default: the file name)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    digest = hashlib.sha256(data).hexdigest()
    file_meta: dict[str, Any] = {}
    if suffix == ".pdf":
        body = pdf_to_text(data)
    elif suffix in (".html", ".htm"):
        title, body = html_to_text(decode_text(data))
        file_meta = {"title": title[:500]} if title else {}
    else:
        file_meta, body = split_front_matter(normalize_text(decode_text(data)))
    merged = {**file_meta, **{k: v for k, v in (meta or {}).items() if v not in (None, "")}}
    return document_from_text(body, merged, fallback_id=fallback_id or Path(filename).stem, sha256=digest, path=path)


def read_document(path: Path, root: Path | None = None) -> Document:
    """Read a corpus file; metadata in a `<file>.meta.yaml` beside it overrides the file's own."""
    rel = str(path.relative_to(root)) if root else path.name
    meta: dict[str, Any] = {}
    side = path.with_name(path.name + ".meta.yaml")
    try:
        if side.is_file():
            meta = load_metadata(side.read_text("utf-8"), side.name)
        return read_document_bytes(path.read_bytes(), path.name, meta, path=rel)
    except (MetadataError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{rel}: {exc}") from None
    except DocumentError as exc:
        raise type(exc)(f"{rel}: {exc}") from None
