"""Rich Text Format files (what older word processors and archives exported): paragraphs and the file's title."""

from __future__ import annotations

import codecs
import re

from indexer.ingest.doc_errors import DocumentError, DocumentTooLarge
from indexer.ingest.formats import MAX_BODY_CHARS, Extracted, paragraphs_to_body

MAX_RTF_BYTES = 20 * 1024 * 1024  # the upload cap; an RTF is several times its text (codes, fonts, pictures)
_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_TITLE = re.compile(r"{\\title\s?((?:[^{}\\]|\\.)*)}")


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
        text = strip(raw, encoding=encoding, errors="replace")
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
