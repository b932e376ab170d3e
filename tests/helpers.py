"""Test helpers: corpus copies, seeded index dirs and small real documents."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS

HEALTH_DOC = """XX U.S.-MEXICO BINATIONAL COMMISSION
WORKING GROUP ON BORDER HEALTH

Tuberculosis: The delegations agreed to expand binational tuberculosis screening for {who} \
along the border and to share case records through a secure electronic registry.

Vaccination: Both governments will hold a joint vaccination week in border cities every April, \
with mobile clinics at crossing points.
"""


def health_doc(who: str = "migrant farm workers") -> str:
    return HEALTH_DOC.format(who=who)


def corpus_copy(tmp: Path) -> Path:
    dest = tmp / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def seeded_index(tmp: Path, session_index: Path) -> Path:
    """An empty index dir whose embedding cache already holds the bundled corpus' vectors."""
    dest = tmp / "index"
    (dest / "cache").mkdir(parents=True)
    shutil.copy(session_index / "cache" / "embeddings.sqlite", dest / "cache" / "embeddings.sqlite")
    return dest
