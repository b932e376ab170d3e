"""Text of an OCR'd page from Tesseract's words and boxes: lines re-joined into paragraphs the way the page set them.

Tesseract reports blocks, paragraphs and lines with the box of every word. A wrapped body line
reaches the text's right margin; a line that stops short (a header line, a list entry, a
paragraph's last line) was ended by its author. Tesseract also splits one paragraph in two
when its last line sits a little apart; a paragraph that reaches the margin without a final stop
and is followed by one starting in lower case is put back together."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

FULL_LINE = 0.8  # a line whose right end is past this share of the page's text width reached the margin
LONG_LINE = 0.6  # a paragraph's last line this long, without a final stop, may go on in the next paragraph
_HEADERISH = re.compile(r"^[^a-z]*$")  # no lowercase letter: a caps heading, a date line, a number
_ENDS_SENTENCE = tuple(".:;!?)]\"'»”")


@dataclass(frozen=True)
class Line:
    """One line of words as Tesseract read it, with its horizontal extent in pixels."""

    text: str
    left: int
    right: int


def page_text(paragraphs: list[list[Line]]) -> str:
    """Tesseract's paragraphs (in reading order) as blank-line separated paragraphs of text."""
    lines = [line for para in paragraphs for line in para]
    if not lines:
        return ""
    left = min(line.left for line in lines)
    width = max(line.right for line in lines) - left

    def full(line: Line) -> bool:
        return line.right >= left + FULL_LINE * width

    def long(line: Line) -> bool:
        return line.right >= left + LONG_LINE * width

    out: list[str] = []
    previous: Line | None = None
    for para in paragraphs:
        if not para:
            continue
        text = _join(para, full)
        if previous is not None and out and _continues(previous, para[0], long):
            out[-1] = _glue(out[-1], text)
        else:
            out.append(text)
        previous = para[-1]
    return "\n\n".join(out)


def _join(lines: list[Line], full: Callable[[Line], bool]) -> str:
    """One paragraph: wrapped lines joined, author-ended lines (short or heading-like) kept as lines."""
    text = lines[0].text
    for prev, line in itertools.pairwise(lines):
        ended = not full(prev) or _HEADERISH.match(prev.text) or _HEADERISH.match(line.text)
        text = f"{text}\n{line.text}" if ended else _glue(text, line.text)
    return text


def _continues(last: Line, first: Line, long: Callable[[Line], bool]) -> bool:
    """A paragraph break Tesseract put inside a sentence: a long line without a final stop, then lower case."""
    return bool(
        long(last)
        and not last.text.endswith(_ENDS_SENTENCE)
        and not _HEADERISH.match(last.text)
        and first.text[:1].islower()
    )


def _glue(text: str, line: str) -> str:
    # a word hyphenated at the line's end is one word again; a compound (Arizona-Sonora) keeps its hyphen
    if text.endswith("-"):
        return (text[:-1] if line[:1].islower() else text) + line
    return f"{text} {line}"
