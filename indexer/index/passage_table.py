"""A snapshot's passages in compact columns; a Passage object is made only for a row that is read.

A million Passage objects take about 1.5 GB of Python objects (a str per text, id, offset...);
the same rows as columns and one UTF-8 text buffer take about a third of that. Searching needs
only the language and document of candidate rows (column reads); whole passages are built for
the k hits that are returned.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from indexer.types import Passage


class PassageTable(Sequence[Passage]):
    def __init__(self) -> None:
        self.passage_ids: list[str] = []
        self._doc_ids: list[str] = []  # distinct, in order of first appearance
        self._doc_index: dict[str, int] = {}
        self._langs: list[str] = []
        self._lang_index: dict[str, int] = {}
        self._sections: list[str] = []
        self._section_index: dict[str, int] = {}
        self._doc = array("i")
        self._lang = array("b")
        self._section = array("i")
        self._ordinal = array("i")
        self._start = array("q")
        self._end = array("q")
        self._text_at = array("q", [0])
        self._text = bytearray()

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> PassageTable:
        """Rows as written in passages.jsonl, consumed one at a time."""
        table = cls()
        for r in rows:
            table._append(r)
        return table

    def _append(self, r: dict[str, Any]) -> None:
        self.passage_ids.append(r["passage_id"])
        self._doc.append(_code(self._doc_index, self._doc_ids, r["doc_id"]))
        self._lang.append(_code(self._lang_index, self._langs, r["lang"]))
        self._section.append(_code(self._section_index, self._sections, r["section"]))
        self._ordinal.append(r["ordinal"])
        self._start.append(r["char_start"])
        self._end.append(r["char_end"])
        self._text += r["text"].encode("utf-8")
        self._text_at.append(len(self._text))

    def __len__(self) -> int:
        return len(self.passage_ids)

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        return Passage(
            passage_id=self.passage_ids[row],
            doc_id=self._doc_ids[self._doc[row]],
            lang=self._langs[self._lang[row]],
            section=self._sections[self._section[row]],
            ordinal=self._ordinal[row],
            char_start=self._start[row],
            char_end=self._end[row],
            text=self.text(row),
        )

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(len(self)))

    def lang(self, row: int) -> str:
        return self._langs[self._lang[row]]

    def in_lang(self, rows: np.ndarray, lang: str) -> np.ndarray:
        """For each of `rows`, whether its passage is in `lang`: one column read, no Python loop over rows."""
        code = self._lang_index.get(lang)
        if code is None or not len(rows):
            return np.zeros(len(rows), dtype=bool)
        return np.frombuffer(self._lang, dtype=np.int8)[rows] == code

    def doc_id(self, row: int) -> str:
        return self._doc_ids[self._doc[row]]

    def text(self, row: int) -> str:
        return self._text[self._text_at[row] : self._text_at[row + 1]].decode("utf-8")

    def char_start(self, row: int) -> int:
        return self._start[row]

    def doc_rows(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {d: [] for d in self._doc_ids}
        for row, code in enumerate(self._doc):
            out[self._doc_ids[code]].append(row)
        return out


def _code(index: dict[str, int], values: list[str], value: str) -> int:
    """The code of a repeated value (document id, language, section), adding it when new."""
    code = index.get(value)
    if code is None:
        code = index[value] = len(values)
        values.append(sys.intern(value))
    return code
