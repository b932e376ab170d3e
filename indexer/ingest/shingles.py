"""Text fingerprints: sampled hashes of word 5-grams and their Jaccard similarity, to find near-copies."""

from __future__ import annotations

import re
import zlib

import numpy as np

SHINGLE = 5  # words per shingle: short enough that a changed sentence costs few, long enough to be specific
SAMPLE = 4  # keep the shingles whose hash is 0 mod SAMPLE: a fixed quarter, so sketches of two texts compare

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_word_hash: dict[str, int] = {}


def sketch(text: str) -> np.ndarray:
    """Sorted unique hashes of the text's word 5-grams (casefolded), the sampled quarter of them."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_hash_word(w) for w in words), dtype=np.uint64, count=len(words))
    h = np.zeros(len(words) - SHINGLE + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(SHINGLE):
            h = (h * np.uint64(1_000_003) + ids[i : len(ids) - SHINGLE + 1 + i]) & _MASK
        # mix the bits, so that "0 mod SAMPLE" picks an unbiased quarter
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return np.unique(h[h % np.uint64(SAMPLE) == 0])


def _hash_word(word: str) -> int:
    got = _word_hash.get(word)
    if got is None:
        if len(_word_hash) > 1_000_000:
            _word_hash.clear()
        got = _word_hash[word] = zlib.crc32(word.encode())
    return got


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return shared / union if union else 0.0


def lead_words(text: str, n: int = 30) -> list[str]:
    """The first n words, casefolded: a cheap key that two copies of one text share."""
    return list(_WORD.findall(text[: 40 * n].casefold())[:n])


def same_text(a: str, b: str) -> bool:
    """The same words in the same order: one communiqué, whatever its format, case or punctuation."""
    return bool(_WORD.findall(a.casefold()) == _WORD.findall(b.casefold()))
