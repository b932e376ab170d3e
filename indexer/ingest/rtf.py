"""Rich Text Format files (what older word processors and archives exported): paragraphs and the file's title."""

from __future__ import annotations

import codecs
import re

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge
from indexer.ingest.formats import MAX_BODY_CHARS, Extracted, paragraphs_to_body

MAX_RTF_BYTES = 20 * 1024 * 1024  # the upload cap; an RTF is several times its text (codes, fonts, pictures)
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
MAX_FONTS = 2000
_FONTTBL = re.compile(r"{[^{}]*\\fonttbl")
_BRACE = re.compile(r"[{}]")
_FONT_NUMBER = re.compile(r"\\f(\d{1,9})")
_FONT_CHARSET = re.compile(r"\\fcharset(\d{1,3})")
_CONTROL_WORD = re.compile(r"\\[a-z]{1,32}-?\d{0,10} ?|\\[^a-z]", re.IGNORECASE)
_TITLE = re.compile(r"{\\title\s?((?:[^{}\\]|\\.)*)}")


def _linear(raw: str) -> str:
    """The RTF rewritten so that the library's two regexes run in linear time on it.

    Its font-table regex backtracks catastrophically on entries without a ';' (1.5 KB took 19 s),
    so the table is rebuilt here, one `{\\fN\\fcharsetC Name;}` per entry, by a single scan; its
    hyperlink regex is quadratic in the length of a line holding many fields, so each field starts
    a line of its own (line breaks carry no text in RTF)."""
    start = _FONTTBL.search(raw)
    if start is not None:
        depth, end = 1, len(raw)
        for brace in _BRACE.finditer(raw, start.end()):
            depth += 1 if brace.group() == "{" else -1
            if depth == 0:
                end = brace.end()
                break
        entries = []
        for entry in raw[start.end() : end].split(";")[:MAX_FONTS]:
            number, charset = _FONT_NUMBER.search(entry), _FONT_CHARSET.search(entry)
            if number and charset:
                name = _CONTROL_WORD.sub(" ", entry).replace("{", " ").replace("}", " ").split()
                entries.append(f"{{\\f{number.group(1)}\\fcharset{charset.group(1)} {' '.join(name)[:100]};}}")
        raw = f"{raw[: start.start()]}{{\\fonttbl{''.join(entries)}}}{raw[end:]}"
    return raw.replace("{\\field", "\n{\\field")


def rtf_to_text(data: bytes) -> Extracted:
    """Each RTF paragraph (\\par) a paragraph, 8-bit escapes in the file's code page (\\ansicpg, else cp1252)."""
    from striprtf.striprtf import rtf_to_text as strip

    if not data.lstrip().startswith(b"{\\rtf"):
        raise DocumentError("the file is not an RTF document (it does not start with {\\rtf)")
    if len(data) > MAX_RTF_BYTES:
        raise DocumentTooLarge(f"the RTF file is larger than {MAX_RTF_BYTES // (1024 * 1024)} MB")
    match = _CODEPAGE.search(data[:4096])
    encoding = f"cp{int(match.group(1))}" if match else "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    raw = data.decode("latin-1")  # RTF is 7-bit; stray 8-bit bytes pass through one to one
    try:
        text = strip(_linear(raw), encoding=encoding, errors="replace")
    except (ValueError, IndexError, UnicodeError) as exc:
        raise DocumentError(f"the RTF file could not be read ({exc})") from None
    if len(text) > MAX_BODY_CHARS:
        raise DocumentTooLarge(f"the text is longer than {MAX_BODY_CHARS:,} characters")
    out = Extracted(paragraphs_to_body(text.replace("\t", " ").split("\n")))
    title = _TITLE.search(raw[:65536])
    if title:
        name = " ".join(strip("{\\rtf1 " + title.group(1) + "}", encoding=encoding, errors="replace").split())
        if name:
            out.file_meta["title"] = name[:500]
    if encoding != "cp1252":
        out.notes.append(f"read in code page {encoding}")
    return out
