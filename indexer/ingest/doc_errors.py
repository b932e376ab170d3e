"""Errors of the readers: a file that cannot become a Document, with a message that says why."""

from __future__ import annotations


class DocumentError(ValueError):
    """A corpus file that cannot be turned into a Document; the message says why."""


class DocumentTooLarge(DocumentError):
    """A file whose text (or pages) exceeds what one communiqué can hold: refused before full parsing."""


class OcrUnavailable(DocumentError):
    """A scanned page needs OCR and this machine has no Tesseract (or lacks its language models)."""
