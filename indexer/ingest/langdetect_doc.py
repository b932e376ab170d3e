"""Language of whole documents (langdetect, seeded so results are deterministic)."""

from __future__ import annotations

import re
import threading

_LOCK = threading.Lock()
_CAPS_LINE = re.compile(r"^[^a-z\n]*[A-Z][^a-z\n]*$", re.MULTILINE)


def _cased(text: str) -> str:
    """Caps lines in lower case: langdetect's profiles are of running text, and read a caps header
    ('XIX U.S.-MEXICO BINATIONAL COMMISSION / NOVEMBER 26, 2002') as Somali."""
    return _CAPS_LINE.sub(lambda m: m.group(0).lower(), text[:5000])


def detect_document_lang(text: str) -> str:
    """Return an ISO 639-1 code for a document body; langdetect is reliable on long text."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:  # langdetect keeps global state; the seed makes its sampling repeatable
        DetectorFactory.seed = 0
        try:
            return str(detect(_cased(text)))
        except LangDetectException:
            return "unknown"


def detect_document_lang_confidence(text: str) -> tuple[str, float]:
    """The language and langdetect's probability for it (0 when it cannot tell)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(_cased(text))[0]
        except (LangDetectException, IndexError):
            return "unknown", 0.0
    return str(best.lang), round(float(best.prob), 3)
