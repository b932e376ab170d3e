"""Read corpus files (.md/.txt with front matter, .html, .pdf, .docx, .rtf, scanned images) into Documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from indexer.ingest import formats
from indexer.ingest.bounded import run_bounded
from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge, OcrUnavailable
from indexer.ingest.formats import MAX_BODY_CHARS
from indexer.ingest.header import Found, derived_doc_id, detect_header
from indexer.ingest.header_block import first_sentence, header_end, header_title
from indexer.ingest.header_group import group_disagreement
from indexer.ingest.html_text import html_to_text
from indexer.ingest.langdetect_doc import detect_document_lang_confidence
from indexer.ingest.metadata import MetadataError, check_fields, load_metadata
from indexer.ingest.ocr_cache import OcrCache, PendingOcrCache
from indexer.ingest.page_chrome import strip_chrome
from indexer.ingest.pdf import image_to_text, pdf_to_text
from indexer.ingest.rtf import rtf_to_text
from indexer.ingest.slugs import slugify
from indexer.types import LANGS, Document

__all__ = ["DocumentError", "DocumentTooLarge", "OcrUnavailable"]

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".rtf", *formats.IMAGE_SUFFIXES)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


_ID_LIKE = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")  # as corpus_files.valid_doc_id
DETECTED_FIELDS = ("meeting", "meeting_number", "date", "place", "working_group")


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


def _origin(found: Found) -> str:
    return f"detected {found.confidence:.2f}"


def document_from_text(
    text: str,
    meta: dict[str, Any],
    *,
    fallback_id: str | None = None,
    sha256: str,
    path: str = "",
    file_meta: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    name_id: str = "doc",
) -> Document:
    """Build a Document from a body and its metadata, completing what is missing from the text itself.

    `meta` is what was given (front matter, sidecar, form fields) and always wins; `file_meta` is
    what the file says of itself (a page's <title>, a Word file's title); the rest is detected
    from the header block. Each field's origin is kept in `meta["origin_<field>"]`: "given",
    "file" or "detected <confidence>". The doc_id is the given one, else `fallback_id`, else
    one derived from the detected meeting/date/group/language, else `name_id` (the file name)."""
    if len(text) > MAX_BODY_CHARS:
        raise DocumentTooLarge(f"the text is longer than {MAX_BODY_CHARS:,} characters")
    try:
        meta = check_fields(meta)
        file_meta = check_fields(file_meta or {}, "the file's own metadata")
    except MetadataError as exc:
        raise DocumentError(str(exc)) from None
    body = strip_chrome(normalize_text(text)).strip("\n")  # a saved page's menus and footer are not its text
    if not body.strip():
        raise DocumentError("the document has no text")
    origins: dict[str, str] = {k: "given" for k, v in meta.items() if v not in (None, "")}
    lang = str(meta.get("lang") or "").strip().lower()
    if not lang:
        lang, confidence = detect_document_lang_confidence(body)
        origins["lang"] = f"detected {confidence:.2f}"
    if lang not in LANGS:
        raise DocumentError(f"language {lang!r} is not supported (expected one of {', '.join(LANGS)})")
    found = detect_header(body, lang)
    merged: dict[str, Any] = dict(meta)
    for key, value in found.items():
        if merged.get(key) in (None, ""):
            merged[key] = value.value
            origins[key] = _origin(value)
    for key, value in file_meta.items():  # the page's own metadata, where neither given nor in the text
        if key == "ocr":
            merged[key] = value
        elif merged.get(key) in (None, "") and value not in (None, ""):
            merged[key] = value
            origins[key] = "file"
    warnings = list(notes or [])
    if not merged.get("date"):
        warnings.append("date not found")
    if origins.get("working_group", "").startswith("detected") and found["working_group"].confidence > 0.5:
        other = group_disagreement(found["working_group"].value, first_sentence(body, header_end(body, lang)))
        warnings += [other] if other else []
    title = str(merged.get("title") or "").strip()
    if not title:
        named = [str(merged[k]) for k in ("meeting", "working_group") if merged.get(k) and k in found]
        # the first line, without the heading mark a Word heading is given in the body ('# Joint Statement')
        from_header = header_title(body, header_end(body, lang), lang)  # the header's own title lines
        title = from_header or ": ".join(named) or re.sub(r"^#{1,6}\s+", "", body.split("\n", 1)[0])[:120]
        origins["title"] = "detected 0.80" if from_header or named else "detected 0.30"
    doc_id = str(meta.get("doc_id") or "")
    if not doc_id:
        # a file name that already reads as an id ('bnc-xix-2002-en.md') was chosen by someone and
        # is kept; 'Comunicado final.docx' or 'SCAN_0001.pdf' give way to the id the header gives
        id_name = name_id if _ID_LIKE.match(name_id) else ""
        doc_id = fallback_id or id_name or derived_doc_id(found, lang) or ""
        origins["doc_id"] = "given" if fallback_id else ("file name" if id_name or not doc_id else "detected")
        doc_id = doc_id or name_id
    doc_id = slugify(doc_id)
    known = {"doc_id", "lang", "title", "date", "source", "source_url", "translation_of"}
    extra = {str(k): str(v) for k, v in merged.items() if k not in known and v is not None}
    extra.update({f"origin_{k}": v for k, v in sorted(origins.items())})
    if warnings:
        extra["intake_warnings"] = "; ".join(warnings)
    translation_of = meta.get("translation_of")
    return Document(
        doc_id=doc_id,
        lang=lang,
        title=normalize_text(title),
        body=body,
        date=_iso_date(merged.get("date")),
        source=str(meta.get("source") or path or ""),
        source_url=str(meta.get("source_url") or ""),
        translation_of=slugify(str(translation_of)) if translation_of else None,
        meta=extra,
        sha256=sha256,
        path=path,
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (or UTF-16 with a BOM), else cp1252/latin-1 text from older systems, detected."""
    return formats.decode_text(data)[0]


def extract_file(
    data: bytes, filename: str, cache_path: str | None = None
) -> tuple[formats.Extracted, dict[str, Any], list[tuple[Any, ...]]]:
    """The body and the file's own metadata, by the reader its content calls for (run in a bounded
    worker, indexer.ingest.bounded); with the front matter given in a text file and the OCR pages
    read here, for the caller to cache once the whole file is read."""
    suffix = Path(filename).suffix.lower()
    kind = formats.sniff(data, suffix)
    given: dict[str, Any] = {}
    cache = PendingOcrCache(Path(cache_path)) if cache_path else None
    extracted: formats.Extracted
    if kind == "pdf":
        extracted = pdf_to_text(data, cache)
    elif kind == "image":
        extracted = image_to_text(data, cache)
    elif kind == "rtf":
        extracted = rtf_to_text(data)
    elif suffix == ".rtf":
        raise DocumentError("the file is named .rtf but is not an RTF document (it does not start with {\\rtf)")
    elif suffix in formats.IMAGE_SUFFIXES:
        raise DocumentError(f"the file is named {suffix} but is not a PNG, JPEG or TIFF image")
    elif kind == "docx":
        extracted = formats.docx_to_text(data)
    elif kind == "zip":
        raise DocumentError("the file is a ZIP archive, not a Word (.docx) document; send its files one by one")
    elif kind == "html":
        raw, encoding = formats.decode_text(data)
        title, plain = html_to_text(raw)
        main = formats.html_to_main_text(raw)
        extracted = main if main is not None else formats.Extracted(plain)
        if title:  # the page's <title> names it better than the extractor's guess (often the first heading)
            extracted.file_meta["title"] = title[:500]
        if encoding not in ("utf-8", "utf-16"):
            extracted.notes.append(f"read as {encoding} (not UTF-8)")
    else:
        raw, encoding = formats.decode_text(data)
        given, body = split_front_matter(normalize_text(raw))
        extracted = formats.Extracted(body)
        if encoding not in ("utf-8", "utf-16"):
            extracted.notes.append(f"read as {encoding} (not UTF-8)")
            extracted.file_meta["encoding"] = encoding
    return extracted, given, cache.pending if cache is not None else []


def read_document_bytes(
    data: bytes,
    filename: str,
    meta: dict[str, Any] | None = None,
    path: str = "",
    fallback_id: str | None = None,
    ocr_cache: OcrCache | None = None,
) -> Document:
    """Parse one file's bytes; `meta` (e.g. from an upload form) overrides what the file says.

    The reader is chosen by content as well as by name (a PDF, a Word file, an HTML page, text).
    The doc_id is `meta`'s, else the file's own, else `fallback_id`, else one derived from the
    detected header, else the file name. Scanned pages are read by OCR, through `ocr_cache` when given."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"unsupported file type {suffix or '(none)'}; expected one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    digest = hashlib.sha256(data).hexdigest()
    kind = formats.sniff(data, suffix)
    cache_path = str(ocr_cache.path) if ocr_cache is not None else None
    extracted, given, pages = run_bounded("extract", (data, filename, cache_path), ocr=kind in ("pdf", "image"))
    if ocr_cache is not None:
        for page in pages:  # only a file read to the end keeps its OCR
            ocr_cache.put(*page)
    merged = {**given, **{k: v for k, v in (meta or {}).items() if v not in (None, "")}}
    return document_from_text(
        extracted.body,
        merged,
        fallback_id=fallback_id,
        sha256=digest,
        path=path,
        file_meta=extracted.file_meta,
        notes=extracted.notes,
        name_id=Path(filename).stem,
    )


def read_document(path: Path, root: Path | None = None, ocr_cache: OcrCache | None = None) -> Document:
    """Read a corpus file; metadata in a `<file>.meta.yaml` beside it overrides the file's own."""
    rel = str(path.relative_to(root)) if root else path.name
    meta: dict[str, Any] = {}
    side = path.with_name(path.name + ".meta.yaml")
    try:
        if side.is_file():
            meta = load_metadata(side.read_text("utf-8"), side.name)
        return read_document_bytes(path.read_bytes(), path.name, meta, path=rel, ocr_cache=ocr_cache)
    except (MetadataError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{rel}: {exc}") from None
    except DocumentError as exc:
        raise type(exc)(f"{rel}: {exc}") from None
