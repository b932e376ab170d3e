"""The working group a header names: its line, the lines its name wraps onto, or the first body sentence.

    GRUPO DE TRABAJO SOBRE            Working Group on Migration and Consular
    MIGRACIÓN Y ASUNTOS CONSULARES    Affairs

'Report of the Working Group on …', 'Working Group Meeting on …' and '… of the Binational
Commission' give the name alone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from indexer.ingest.header_block import is_header_line

if TYPE_CHECKING:
    from indexer.ingest.header import Found

_GROUP = re.compile(r"^\s*((?i:working\s+group|grupo\s+de\s+trabajo|subgrupo|subgroup)\b.*)$", re.MULTILINE)
_GROUP_INSIDE = re.compile(r"\b(?i:working\s+group|grupo\s+de\s+trabajo|subgrupo|subgroup)\b")
# group-name words that may wrap onto a line of their own: 'Working Group on Migration and Consular' / 'Affairs'
_GROUP_TAIL = re.compile(
    r"^(?:affairs|asuntos|consular(?:es)?|cooperation|cooperaci[oó]n|issues|matters|migration|migraci[oó]n|"
    r"enforcement|control|security|seguridad|affairs\s+\w+)\b",
    re.IGNORECASE,
)


_GROUP_IN_SENTENCE = re.compile(
    r"\b((?:working\s+group|grupo\s+de\s+trabajo)\s+(?:on|sobre|de|for|para)\s+[^\W\d][\w’'-]*"
    r"(?:\s+(?:and|y|e|de|of|on|[A-ZÁÉÍÓÚÑ][\w’'-]*)){0,6}?)(?=\s+(?:of\s+the|de\s+la|del|met|held|se)\b|[,.;])",
    re.IGNORECASE,
)


def _group_name(text: str) -> str:
    """'Working Group Meeting on X', 'Grupo de Trabajo sobre X Reunión', '… of the Commission' -> the name."""
    text = re.sub(r"^((?i:working\s+group))\s+(?i:meeting)\s+", r"\1 ", " ".join(text.split()))
    text = re.sub(r"\s+(?i:meeting|reuni[oó]n)$", "", text)
    return re.sub(
        r"\s+(?i:of\s+the|de\s+la)\s+(?:\S+\s+){0,3}(?i:binational\s+commission|comisi[oó]n\s+binacional)\b.*$",
        "",
        text,
    )


def find_group(lines: list[str], head: int) -> tuple[Found, int] | None:
    """The working group named in the header block (its first `head` lines; 0: the first lines), and the
    last line its name takes."""
    from indexer.ingest.header import _CONNECTOR, Found, _is_short_caps, title_case

    for i, line in enumerate(lines):
        m = _GROUP.match(line)
        inner = None if m or i >= head else _GROUP_INSIDE.search(line)
        if not (m or inner) or len(line.split()) > 20:
            continue
        text = (m.group(1) if m else line[inner.start() :]).strip()  # type: ignore[union-attr]
        j = i
        # a heading wrapped over lines: 'GRUPO DE TRABAJO SOBRE MIGRACIÓN Y' / 'ASUNTOS CONSULARES',
        # 'Working Group' / 'on Migration and Consular Affairs', '… and Consular' / 'Affairs'
        while j + 1 < min(len(lines), head if head else len(lines)) and j - i < 2:
            nxt = lines[j + 1]
            words = nxt.split()
            if not words or len(words) > 8 or re.search(r"\d", nxt) or "," in nxt:
                break
            joins = (
                text.split()[-1].lower() in _CONNECTOR or words[0].lower() in _CONNECTOR or bool(_GROUP_TAIL.match(nxt))
            )
            if not joins or not (_is_short_caps(nxt) or is_header_line(nxt)):
                break
            j += 1
            text = f"{text} {nxt}"
        text = _group_name(text)
        confidence = 0.9 if _is_short_caps(text) else 0.7
        return Found(title_case(text.rstrip(" .:")), confidence), j
    return None


def group_in_sentence(sentence: str) -> str | None:
    """'The Working Group on Migration and Consular Affairs of the … met' -> its name."""
    from indexer.ingest.header import title_case

    m = _GROUP_IN_SENTENCE.search(sentence)
    return title_case(m.group(1)) if m else None


def group_disagreement(header_group: str, sentence: str) -> str | None:
    """A warning when the first body sentence names another working group than the header does (a header
    misprint, or a body about another group): the header's is kept, the user corrects it if need be."""
    from indexer.ingest.ordinals import fold

    named = group_in_sentence(sentence)
    a, b = (" ".join(re.findall(r"\w+", fold(x))) for x in (named or "", header_group))
    if not a or a.startswith(b) or b.startswith(a):  # the sentence's name may run on: '… Affairs conducted'
        return None
    return f"working group: the header names '{header_group}', the first body sentence '{named}'"
