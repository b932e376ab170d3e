"""Translation pairs found automatically, for documents whose metadata names none.

Candidates for a document are the other-language documents of the same date (and meeting,
when both know theirs); a document without a date looks at the other-language documents
whose mean passage vector is nearest. Each candidate is confirmed by the paragraph alignment
the index computes anyway (indexer.align): the link's score is the alignment's quality, the
share of both documents' passages that found a counterpart, weighted by their similarity.
Links are one-to-one, strongest first, and only above PAIR_THRESHOLD; a hand-given
`translation_of` always wins, and `not_translation_of: <doc_id>` in a document's metadata
refuses a detected link."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from indexer.index.align import MIN_SIM, align_pair
from indexer.index.pair_candidates import candidate_pairs
from indexer.index.pair_mt import agreement as mt_agreement
from indexer.index.pair_mt import evidence
from indexer.index.pair_text import texts_agree
from indexer.types import Document, Passage

PAIR_THRESHOLD = 0.5  # alignment quality. XQuAD articles (eval.pairing): twins >= 0.82, twins with half of
# the Spanish paragraphs cut >= 0.61, the best of three wrong candidates per article <= 0.41
MAX_LENGTH_RATIO = 3  # a document over three times longer (in passages) than the other is not its translation
SHORT_PASSAGES = 3  # a shorter side of at most this many passages has its beads' texts checked (pair_text)
RULES = 5  # the detection rules a link row was found under (2: short documents' texts checked, pair_text;
# 3: short texts' length slack, numbers in words; 4: short texts' machine translations compared, pair_mt;
# 5: a pair no dates or meeting vouch for has its texts checked whatever its length)
MAX_FREE_DOCUMENTS = 20_000  # unlinked documents above which detection is skipped (an archive imported in bulk
# with its metadata, or a synthetic benchmark corpus, has its links or needs none)


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    score: float
    beads: list[tuple[list[int], list[int]]]
    rank: float | None = None  # what links compete on for a document: the score moved by the translations'
    # agreement (pair_mt.evidence) where a short pair had them, else the score

    @property
    def strength(self) -> float:
        return self.score if self.rank is None else self.rank


class Alignment(NamedTuple):
    score: float
    beads: list[tuple[list[int], list[int]]]
    agreement: float | None = None  # of the short side's texts and their machine translations (pair_mt)


Side = Sequence[str]
Translations = Callable[[str], str | None]  # a passage id's machine translation (the build's doc_mt), or None


def alignment_quality(
    a: np.ndarray,
    b: np.ndarray,
    texts: tuple[Side, Side] | None = None,
    langs: tuple[str | None, str | None] = (None, None),
    translated: tuple[Sequence[str | None], Sequence[str | None]] | None = None,
    strict: bool = False,
) -> Alignment:
    """How much of the shorter document found its counterpart (similarity-weighted), and the kept beads.

    Normalized by the shorter side, so that a partial translation (3 paragraphs of 6) still scores
    as what it is; documents more than MAX_LENGTH_RATIO apart in passages score 0 (a quote is
    not a translation). With `texts` (both documents' passage texts) and a shorter side of at
    most SHORT_PASSAGES, the texts must also agree as a translation's do (indexer.index.pair_text),
    or the score is 0: there one or two beads are the whole score, and a same-subject neighbour's
    similarity passes for a translation's. A side of at most SHORT_PASSAGES is compared whole,
    a longer one (the other is a partial translation) from its first to its last aligned passage.
    With `translated` too (each passage's machine translation, None where it has none) the
    texts' agreement with each other's translation (indexer.index.pair_mt) is weighed with the
    similarity, and returned. `strict` (no two dates nor a shared meeting vouch for the pair) checks the
    texts of the aligned stretch whatever the documents' length."""
    short, long_ = sorted((len(a), len(b)))
    if not short or long_ > MAX_LENGTH_RATIO * short:
        return Alignment(0.0, [])
    kept = []
    covered = 0.0
    for ia, ib in align_pair(a, b):
        sim = float(_unit(a[ia].sum(0)) @ _unit(b[ib].sum(0)))
        if sim >= MIN_SIM:
            kept.append((ia, ib))
            # the shorter document's side of the bead: a 1-2 bead covers one passage of a
            # one-passage document, not three (counting both sides would score a wrong pair 1.0)
            covered += len(ia if len(a) <= len(b) else ib) * sim
    score = min(1.0, covered / short)
    agreed = None
    if texts is not None and kept and (short <= SHORT_PASSAGES or strict):
        aligned = [[i for bead in kept for i in bead[k]] for k in (0, 1)]
        spans = [_span(side, aligned[k]) for k, side in enumerate(texts)]
        if translated is not None:
            agreed = _agreement(spans, [_span(side, aligned[k]) for k, side in enumerate(translated)])
        if not texts_agree(spans[0], spans[1], score, langs, agreed):
            return Alignment(0.0, [])
    return Alignment(score, kept, agreed)


def _agreement(spans: list[Side], translated: list[Sequence[str | None]]) -> float | None:
    if any(t is None for side in translated for t in side):
        return None  # a passage the translator could not do: judged as without translations
    ta, tb = (" ".join(t for t in side if t) for side in translated)
    return mt_agreement(" ".join(spans[0]), ta, " ".join(spans[1]), tb)


def _span(texts: Sequence[Any], aligned: list[int]) -> Sequence[Any]:
    return texts if len(texts) <= SHORT_PASSAGES else texts[min(aligned) : max(aligned) + 1]


def undated(a: Document, b: Document) -> bool:
    """A pair that neither two known dates nor one meeting number named by both vouch for (dates or meetings
    that differ never get this far: pair_candidates)."""
    number = a.meta.get("meeting_number")
    return not (a.date and b.date) and not (number and number == b.meta.get("meeting_number"))


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def _translated(translations: Translations, passages: Sequence[Passage], rows: list[int]) -> list[str | None]:
    return [translations(passages[r].passage_id) for r in rows]


def _refused(doc: Document) -> set[str]:
    return {x.strip() for x in doc.meta.get("not_translation_of", "").split(",") if x.strip()}


def detect_links(
    documents: Sequence[Document],
    passages: Sequence[Passage],
    vectors: np.ndarray,
    linked: set[str],
    touched: set[str] | None = None,
    previous: dict[frozenset[str], tuple[float, float | None]] | None = None,
    translations: Translations | None = None,
) -> list[Link]:
    """One-to-one links between documents of different languages not already `linked`.

    With `touched` (documents new or changed since the last build) a candidate pair of two
    untouched documents is not aligned again: it keeps the last build's verdict, its link's
    score and rank from `previous` (beads empty: the caller has its rows) or no link.
    `translations`: each passage's machine translation by passage id (the build's doc_mt), which
    short documents' pairs are also judged by (alignment_quality); looked up for short pairs only."""
    rows: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        rows.setdefault(p.doc_id, []).append(row)
    free = [d for d in documents if d.doc_id not in linked and d.doc_id in rows]
    langs = sorted({d.lang for d in free})
    if len(langs) != 2 or len(free) > MAX_FREE_DOCUMENTS:
        return []
    left = [d for d in free if d.lang == langs[0]]
    right = [d for d in free if d.lang == langs[1]]
    candidates = candidate_pairs(
        left, right, [vectors[rows[d.doc_id]] for d in left], [vectors[rows[d.doc_id]] for d in right]
    )
    scored: list[Link] = []
    for i, j in sorted(candidates):
        a, b = left[i], right[j]
        if b.doc_id in _refused(a) or a.doc_id in _refused(b):
            continue
        if touched is not None and a.doc_id not in touched and b.doc_id not in touched:
            kept = (previous or {}).get(frozenset((a.doc_id, b.doc_id)))
            if kept is not None:
                scored.append(Link(a.doc_id, b.doc_id, kept[0], [], kept[1]))
            continue
        texts = ([passages[r].text for r in rows[a.doc_id]], [passages[r].text for r in rows[b.doc_id]])
        translated = None
        if translations is not None and min(len(rows[a.doc_id]), len(rows[b.doc_id])) <= SHORT_PASSAGES:
            translated = (
                _translated(translations, passages, rows[a.doc_id]),
                _translated(translations, passages, rows[b.doc_id]),
            )
        found = alignment_quality(
            vectors[rows[a.doc_id]], vectors[rows[b.doc_id]], texts, (a.lang, b.lang), translated, undated(a, b)
        )
        if found.score >= PAIR_THRESHOLD:
            rank = None if found.agreement is None else round(evidence(found.score, found.agreement), 4)
            scored.append(Link(a.doc_id, b.doc_id, round(found.score, 4), found.beads, rank))
    taken: set[str] = set()
    out = []
    for link in sorted(scored, key=lambda x: (-x.strength, x.a, x.b)):
        if link.a not in taken and link.b not in taken:
            taken |= {link.a, link.b}
            out.append(link)
    return out


@dataclass
class Reuse:
    """What the last build found: its link rows, and which documents changed since (their links are redone)."""

    rows: list[dict[str, Any]]
    touched: set[str]


def link_rows(
    documents: Sequence[Document],
    passages: Sequence[Passage],
    vectors: np.ndarray,
    superseded: frozenset[str] | set[str] = frozenset(),
    reuse: Reuse | None = None,
    translations: Translations | None = None,
) -> list[dict[str, Any]]:
    """pairs.jsonl rows for the detected links: aligned passages, each row naming its link and score.

    Superseded versions (indexer.index.revisions) take part in no detected link, and a given
    link to one leaves its partner free: the translation of a corrected communiqué pairs with
    the latest version. With `reuse`, pairs of unchanged documents are not aligned again (an
    archive that grows by a few files does not re-align thousands); a document whose link
    changes because of a touched one is itself treated as touched, until nothing moves, so the
    links are those a full detection would find. `translations`: as detect_links; a row then
    records its link's rank, so a reused link competes as it did when found."""
    given = [(d.doc_id, d.translation_of) for d in documents if d.translation_of]
    linked = {x for pair in given if not set(pair) & superseded for x in pair if x}
    documents = [d for d in documents if d.doc_id not in superseded]
    rows: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        rows.setdefault(p.doc_id, []).append(row)
    if reuse is None:
        links = detect_links(documents, passages, vectors, linked, translations=translations)
        old_rows: dict[frozenset[str], list[dict[str, Any]]] = {}
    else:
        old_rows, previous = _previous_links(reuse.rows)
        partner = {x: y for pair in previous for x, y in (tuple(pair), tuple(pair)[::-1])}
        # a link found under older rules (rows without this RULES) is checked again: a short
        # document's neighbour found before the text check would otherwise stay its twin
        touched = set(reuse.touched) | {
            str(x) for r in reuse.rows if "link" in r and r.get("rules") != RULES for x in r["link"][:2]
        }
        while True:
            links = detect_links(documents, passages, vectors, linked, touched, previous, translations)
            now = {x: y for link in links for x, y in ((link.a, link.b), (link.b, link.a))}
            moved = {x for x, y in partner.items() if now.get(x) != y}
            moved |= {x for x, y in now.items() if partner.get(x) != y}
            if moved <= touched:
                break
            touched |= moved
    out: list[dict[str, Any]] = []
    for link in links:
        if not link.beads and frozenset((link.a, link.b)) in old_rows:
            out.extend(old_rows[frozenset((link.a, link.b))])
            continue
        ra, rb = rows[link.a], rows[link.b]
        for ia, ib in link.beads:
            for x in ia:
                for y in ib:
                    sim = float(vectors[ra[x]] @ vectors[rb[y]])
                    if sim >= MIN_SIM:
                        pa, pb = passages[ra[x]].passage_id, passages[rb[y]].passage_id
                        found: dict[str, Any] = {"a": pa, "b": pb, "sim": round(sim, 4)}
                        found["link"] = [link.a, link.b, link.score]
                        if link.rank is not None:
                            found["rank"] = link.rank
                        out.append({**found, "rules": RULES})
    return out


def _previous_links(
    rows: Sequence[dict[str, Any]],
) -> tuple[dict[frozenset[str], list[dict[str, Any]]], dict[frozenset[str], tuple[float, float | None]]]:
    """The last build's detected links: their pairs.jsonl rows, scores and ranks, by document pair."""
    by_pair: dict[frozenset[str], list[dict[str, Any]]] = {}
    scores: dict[frozenset[str], tuple[float, float | None]] = {}
    for row in rows:
        if "link" in row:
            a, b, score = row["link"]
            key = frozenset((str(a), str(b)))
            by_pair.setdefault(key, []).append(row)
            scores[key] = (float(score), None if row.get("rank") is None else float(row["rank"]))
    return by_pair, scores
