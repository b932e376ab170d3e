"""A web page's site text around the communiqué (navigation, 'Skip Links', footers), also in a page saved as text.

A page saved as plain text keeps its menus as lines before the heading and its footer after the
last paragraph. The leading run ends at the last navigation marker among the first lines (every
line up to it short, as menu items are); the trailing run starts at the first footer marker among
the last lines. Text with no marker is left as it is."""

from __future__ import annotations

import re

LEAD_LINES = 80  # navigation is read only among the first lines of the text ...
LEAD_CHARS = 4000  # ... and characters
TAIL_LINES = 40
_MENU_WORDS = 12  # a menu line is short

_NAV = re.compile(
    r"^\s*(?:skip\s+(?:links?|to\s+(?:main\s+)?content|navigation|to\s+navigation)|saltar\s+(?:al?\s+)?"
    r"(?:contenido|navegaci[oó]n|enlaces)|you\s+are\s+(?:in|here)\s*:|usted\s+est[aá]\s+en\s*:|"
    r"main\s+menu|men[uú]\s+principal|home\s*(?:[|»>]|$)|inicio\s*(?:[|»>]|$)|search\s*$|buscar\s*$|"
    r"print\s*(?:friendly|version|this\s+page)?\s*$|imprimir\s*$|e-?mail\s+this\s+page|"
    r"text\s+only|sólo\s+texto|site\s+map|mapa\s+del\s+sitio|contact\s+us|cont[aá]ctenos|"
    r".{0,80}\bclick\s+to\s+print\b)",
    re.IGNORECASE,
)
_MENU_LINE = re.compile(r"[|»›]| > ")  # 'Home | Issues & Press | Countries', 'Home > Releases > 1997'
_FOOTER = re.compile(
    r"^\s*(?:back\s+to\s+top|return\s+to\s+top|volver\s+arriba|ir\s+arriba|this\s+site\s+is\s+managed\s+by|"
    r"external\s+links\s+to\s+other\s+internet\s+sites|privacy\s+(?:notice|policy)|pol[ií]tica\s+de\s+privacidad|"
    r"copyright\s+information|derechos\s+reservados|all\s+rights\s+reserved|©|foia\b|accessibility\s+statement|"
    r"about\s+state\.gov|page\s+last\s+updated|[uú]ltima\s+actualizaci[oó]n)",
    re.IGNORECASE,
)


def strip_chrome(text: str) -> str:
    """The text without the site's leading navigation and trailing footer lines (blank lines kept)."""
    lines = text.split("\n")
    start = _lead_end(lines)
    stop = _tail_start(lines, start)
    if start == 0 and stop == len(lines):
        return text
    return "\n".join(lines[start:stop]).strip("\n")


def _lead_end(lines: list[str]) -> int:
    last, chars = -1, 0
    for i, line in enumerate(lines[:LEAD_LINES]):
        chars += len(line) + 1
        if chars > LEAD_CHARS:
            break
        text = line.strip()
        if not text:
            continue
        if _NAV.match(text) or (last >= 0 and _MENU_LINE.search(text) and len(text.split()) <= 3 * _MENU_WORDS):
            last = i
        elif len(text.split()) > _MENU_WORDS and text.endswith("."):
            break  # body text: navigation comes before it
    return last + 1


def _tail_start(lines: list[str], start: int) -> int:
    first = max(start, len(lines) - TAIL_LINES)
    for i in range(first, len(lines)):
        if _FOOTER.match(lines[i]) and i > start:
            return i
    return len(lines)
