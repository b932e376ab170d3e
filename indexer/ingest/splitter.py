"""Split document bodies into paragraph-bounded, sentence-aware passages with stable ids."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from indexer.ingest.header_block import header_end
from indexer.types import Document, Passage

SPLIT_RULES = "h1"  # the rules passages are cut by (h1: the header block is metadata, not a passage); an index
# built under other rules splits its documents afresh
MAX_WORDS = 200  # e5-small reads 512 tokens; 200 words stay well inside that in both languages
# a passage never holds more than this many characters: text without sentence punctuation (or
# without spaces) is cut at MAX_WORDS words, then at this bound, so no passage reaches the
# translator, the encoder or the highlighter as one unbounded piece
MAX_PASSAGE_CHARS = 4000

_BLOCK_SEP = re.compile(r"\n[ \t]*\n+")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_INLINE_HEADING = re.compile(r"^([A-ZÁÉÍÓÚÑ¿][^:.,;\n]{1,80}?):\s+\S")
_WORD = re.compile(r"\w+")
_GROUP_HEADING = re.compile(r"^(?:working\s+group|grupo\s+de\s+trabajo|subgroup|subgrupo)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str


def blocks(body: str) -> Iterator[Block]:
    """Blank-line separated blocks with their offsets into the body."""
    pos = 0
    for match in _BLOCK_SEP.finditer(body):
        yield from _trimmed(body, pos, match.start())
        pos = match.end()
    yield from _trimmed(body, pos, len(body))


def _trimmed(body: str, start: int, end: int) -> Iterator[Block]:
    chunk = body[start:end]
    stripped = chunk.strip()
    if stripped:
        s = start + chunk.index(stripped)
        yield Block(s, s + len(stripped), stripped)


def _is_caps_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(line.split()) <= 14


def heading_of_line(line: str) -> str | None:
    line = line.strip()
    md = _MD_HEADING.match(line)
    if md:
        return md.group(1)
    if _is_caps_heading(line) and not line.endswith("."):
        return _title_case(line)
    return None


_SMALL = {
    "and",
    "or",
    "of",
    "on",
    "the",
    "for",
    "to",
    "in",
    "y",
    "o",
    "de",
    "del",
    "la",
    "las",
    "los",
    "el",
    "en",
    "sobre",
}


def _title_case(line: str) -> str:
    words = line.lower().split()
    return " ".join(w if i and w in _SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words))


def joined_heading(lines: list[str], heads: list[str]) -> str:
    """The last heading of a block, a heading wrapped over lines joined again.

    'GRUPO DE TRABAJO SOBRE MIGRACIÓN Y' / 'ASUNTOS CONSULARES' is one heading: a line that
    ends with a connector ('y', 'and', 'de', 'on', ...) or a hyphen continues on the next."""
    current = heads[0]
    for prev, head in zip(lines, heads[1:], strict=False):
        last = prev.strip().rsplit(" ", 1)[-1].lower()
        if last in _SMALL or prev.rstrip().endswith(("-", ",")):
            current = f"{current} {head[:1].lower() + head[1:] if head.split()[0].lower() in _SMALL else head}"
        else:
            current = head
    return current


def inline_heading(text: str) -> str | None:
    """'Border Safety: On June 2001 ...' -> 'Border Safety' (short capitalized lead-ins only)."""
    match = _INLINE_HEADING.match(text)
    if match and len(match.group(1).split()) <= 9:
        return match.group(1).strip()
    return None


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets from a maintained segmenter, trailing spaces trimmed."""
    from sentencex import get_sentence_boundaries

    spans = []
    for sent in get_sentence_boundaries(lang, text):
        start, end = int(sent["start_index"]), int(sent["end_index"])
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _chunks(text: str, lang: str, max_words: int) -> list[tuple[int, int]]:
    """Group whole sentences into chunks of at most max_words; a longer sentence is cut by `_bounded`."""
    if _word_count(text) <= max_words and len(text) <= MAX_PASSAGE_CHARS:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    cur_start, cur_end, cur_words = -1, -1, 0
    for start, end in sentence_spans(text, lang):
        words = _word_count(text[start:end])
        if cur_start >= 0 and (cur_words + words > max_words or end - cur_start > MAX_PASSAGE_CHARS):
            out.append((cur_start, cur_end))
            cur_start, cur_words = -1, 0
        if words > max_words or end - start > MAX_PASSAGE_CHARS:
            out.extend(_bounded(text, start, end, max_words))
            continue
        if cur_start < 0:
            cur_start = start
        cur_end, cur_words = end, cur_words + words
    if cur_start >= 0:
        out.append((cur_start, cur_end))
    return out or _bounded(text, 0, len(text), max_words)


def _bounded(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """One over-long sentence cut before every max_words-th word, and each piece at MAX_PASSAGE_CHARS."""
    cuts = [m.start() for i, m in enumerate(_WORD.finditer(text, start, end)) if i and i % max_words == 0]
    out: list[tuple[int, int]] = []
    for a, b in zip([start, *cuts], [*cuts, end], strict=True):
        while b - a > MAX_PASSAGE_CHARS:
            out.append((a, a + MAX_PASSAGE_CHARS))
            a += MAX_PASSAGE_CHARS
        out.append((a, b))
    return [(a, b) for a, b in (_trim(text, a, b) for a, b in out) if b > a]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def passage_id(doc_id: str, text: str, taken: dict[str, int]) -> str:
    """Content-derived id: unchanged text keeps its id whatever moves around it; `taken` counts each
    base id already given in the document, so a repeat gets `-2`, `-3`, ... in constant time."""
    base = f"{doc_id}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    n = taken.get(base, 0) + 1
    taken[base] = n
    return base if n == 1 else f"{base}-{n}"


def split_document(doc: Document, max_words: int = MAX_WORDS) -> list[Passage]:
    """Paragraphs become passages (long ones split between sentences); headings become sections.

    The header block (title, meeting, working group, place, date: indexer.ingest.header_block) is
    the document's metadata and citation, not a passage: body paragraphs are numbered from 1. A
    paragraph repeated word for word in one document is indexed once (its first place): copies
    add nothing to search but would fill a result list and cost a build their encoding."""
    section = ""
    ordinal = 0
    taken: dict[str, int] = {}
    seen: set[str] = set()
    out: list[Passage] = []
    head = header_end(doc.body, doc.lang)
    for block in blocks(doc.body):
        if block.end <= head:
            lines = block.text.split("\n")
            if all(_MD_HEADING.match(line) for line in lines):  # a Word heading before the first paragraph
                section = joined_heading(lines, [str(heading_of_line(line)) for line in lines])
            group = _group_section(lines)
            # the group's name as the header reader joined it (indexer.ingest.header), else as the lines give it
            section = (doc.meta.get("working_group") or group) if group else section
            continue
        if block.start < head:  # a header block without a blank line before the body
            block = Block(head, block.end, doc.body[head : block.end])
        lines = block.text.split("\n")
        heads = [heading_of_line(line) for line in lines]
        if all(heads):
            section = joined_heading(lines, [str(h) for h in heads])
            continue
        lead = inline_heading(block.text)
        if lead:
            section = lead
        ordinal += 1
        for start, end in _chunks(block.text, doc.lang, max_words):
            text = block.text[start:end]
            if text in seen:
                continue
            seen.add(text)
            out.append(_passage(doc, block, start, end, section, ordinal, taken))
    return out


def _group_section(lines: list[str]) -> str:
    """The working group's name in a header block (a name wrapped over lines joined): the body's first section."""
    for i, line in enumerate(lines):
        if _GROUP_HEADING.match(line.strip()):
            text = line.strip()
            for nxt in lines[i + 1 :]:
                if text.rsplit(" ", 1)[-1].lower() not in _SMALL and not text.endswith("-"):
                    break
                text = f"{text} {nxt.strip()}"
            return _title_case(text) if text.isupper() else text
    return ""


def _passage(
    doc: Document, block: Block, start: int, end: int, section: str, ordinal: int, taken: dict[str, int]
) -> Passage:
    text = block.text[start:end]
    return Passage(
        passage_id=passage_id(doc.doc_id, text, taken),
        doc_id=doc.doc_id,
        lang=doc.lang,
        section=section,
        ordinal=ordinal,
        char_start=block.start + start,
        char_end=block.start + end,
        text=text,
    )
