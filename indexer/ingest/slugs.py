"""Document ids from text: ASCII-folded, lowercase, hyphenated slugs."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:120] or "doc"
