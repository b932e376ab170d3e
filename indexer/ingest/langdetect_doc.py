"""Language of whole documents (langdetect, seeded so results are deterministic)."""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def detect_document_lang(text: str) -> str:
    """Return an ISO 639-1 code for a document body; langdetect is reliable on long text."""
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:  # langdetect keeps global state; the seed makes its sampling repeatable
        DetectorFactory.seed = 0
        try:
            return str(detect(text[:5000]))
        except LangDetectException:
            return "unknown"


def detect_document_lang_confidence(text: str) -> tuple[str, float]:
    """The language and langdetect's probability for it (0 when it cannot tell)."""
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _LOCK:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(text[:5000])[0]
        except (LangDetectException, IndexError):
            return "unknown", 0.0
    return str(best.lang), round(float(best.prob), 3)
