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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexer.index.align import MIN_SIM, align_pair
from indexer.index.pair_text import texts_agree
from indexer.types import Document, Passage

PAIR_THRESHOLD = 0.5  # alignment quality. XQuAD articles (eval.pairing): twins >= 0.82, twins with half of
# the Spanish paragraphs cut >= 0.61, the best of three wrong candidates per article <= 0.41
MAX_LENGTH_RATIO = 3  # a document over three times longer (in passages) than the other is not its translation
NEAREST = 3  # candidates by similarity of mean passage vectors
MIN_DOC_SIM = 0.8  # mean-vector similarity under which two documents are not candidates (XQuAD twins: >= 0.92)
SHORT_PASSAGES = 3  # a shorter side of at most this many passages has its beads' texts checked (pair_text)
SAME_DATE_POOL = 8  # same-date documents all tried when there are at most this many
RULES = 3  # the detection rules a link row was found under (2: short documents' texts checked, pair_text;
# 3: short texts' length slack, numbers in words)
MAX_FREE_DOCUMENTS = 20_000  # unlinked documents above which detection is skipped (an archive imported in bulk
# with its metadata, or a synthetic benchmark corpus, has its links or needs none)


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    score: float
    beads: list[tuple[list[int], list[int]]]


def alignment_quality(
    a: np.ndarray,
    b: np.ndarray,
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
    langs: tuple[str | None, str | None] = (None, None),
) -> tuple[float, list[tuple[list[int], list[int]]]]:
    """How much of the shorter document found its counterpart (similarity-weighted), and the kept beads.

    Normalized by the shorter side, so that a partial translation (3 paragraphs of 6) still scores
    as what it is; documents more than MAX_LENGTH_RATIO apart in passages score 0 (a quote is
    not a translation). With `texts` (both documents' passage texts) and a shorter side of at
    most SHORT_PASSAGES, the texts must also agree as a translation's do (indexer.index.pair_text),
    or the score is 0: there one or two beads are the whole score, and a same-subject neighbour's
    similarity passes for a translation's. A side of at most SHORT_PASSAGES is compared whole,
    a longer one (the other is a partial translation) from its first to its last aligned passage."""
    short, long_ = sorted((len(a), len(b)))
    if not short or long_ > MAX_LENGTH_RATIO * short:
        return 0.0, []
    kept = []
    covered = 0.0
    for ia, ib in align_pair(a, b):
        sim = float(_unit(a[ia].sum(0)) @ _unit(b[ib].sum(0)))
        if sim >= MIN_SIM:
            kept.append((ia, ib))
            # the shorter document's side of the bead: a 1-2 bead covers one passage of a
            # one-passage document, not three (which used to score a wrong pair 1.0)
            covered += len(ia if len(a) <= len(b) else ib) * sim
    score = min(1.0, covered / short)
    if texts is not None and kept and short <= SHORT_PASSAGES:
        spans = [_span(side, [i for bead in kept for i in bead[k]]) for k, side in enumerate(texts)]
        if not texts_agree(spans[0], spans[1], score, langs):
            return 0.0, []
    return score, kept


def _span(texts: Sequence[str], aligned: list[int]) -> Sequence[str]:
    return texts if len(texts) <= SHORT_PASSAGES else texts[min(aligned) : max(aligned) + 1]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


def _refused(doc: Document) -> set[str]:
    return {x.strip() for x in doc.meta.get("not_translation_of", "").split(",") if x.strip()}


def detect_links(
    documents: Sequence[Document],
    passages: Sequence[Passage],
    vectors: np.ndarray,
    linked: set[str],
    touched: set[str] | None = None,
    previous: dict[frozenset[str], float] | None = None,
) -> list[Link]:
    """One-to-one links between documents of different languages not already `linked`.

    With `touched` (documents new or changed since the last build) a candidate pair of two
    untouched documents is not aligned again: it keeps the last build's verdict, its link and
    score from `previous` (beads empty: the caller has its rows) or no link."""
    rows: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        rows.setdefault(p.doc_id, []).append(row)
    free = [d for d in documents if d.doc_id not in linked and d.doc_id in rows]
    langs = sorted({d.lang for d in free})
    if len(langs) != 2 or len(free) > MAX_FREE_DOCUMENTS:
        return []
    left = [d for d in free if d.lang == langs[0]]
    right = [d for d in free if d.lang == langs[1]]
    means = np.stack([_unit(vectors[rows[d.doc_id]].mean(0)) for d in right])
    by_date: dict[str, list[int]] = {}
    for j, d in enumerate(right):
        if d.date:
            by_date.setdefault(d.date, []).append(j)
    candidates: set[tuple[int, int]] = set()
    for start in range(0, len(left), 1024):
        chunk = left[start : start + 1024]
        sims = np.stack([_unit(vectors[rows[d.doc_id]].mean(0)) for d in chunk]) @ means.T
        for i, d in enumerate(chunk):
            same_day = [j for j in by_date.get(d.date or "", []) if _same_meeting(d, right[j])]
            if len(same_day) <= SAME_DATE_POOL:
                candidates.update((start + i, j) for j in same_day)
            picked = 0
            for j in np.argsort(-sims[i])[: NEAREST * 8]:
                other = right[int(j)]
                if picked == NEAREST or sims[i, j] < MIN_DOC_SIM:
                    break
                if d.date and other.date and d.date != other.date:
                    continue  # two dates that differ: not the same communiqué
                if _same_meeting(d, other):
                    candidates.add((start + i, int(j)))
                    picked += 1
    scored: list[Link] = []
    for i, j in sorted(candidates):
        a, b = left[i], right[j]
        if b.doc_id in _refused(a) or a.doc_id in _refused(b):
            continue
        if touched is not None and a.doc_id not in touched and b.doc_id not in touched:
            kept = (previous or {}).get(frozenset((a.doc_id, b.doc_id)))
            if kept is not None:
                scored.append(Link(a.doc_id, b.doc_id, kept, []))
            continue
        texts = ([passages[r].text for r in rows[a.doc_id]], [passages[r].text for r in rows[b.doc_id]])
        score, beads = alignment_quality(vectors[rows[a.doc_id]], vectors[rows[b.doc_id]], texts, (a.lang, b.lang))
        if score >= PAIR_THRESHOLD:
            scored.append(Link(a.doc_id, b.doc_id, round(score, 4), beads))
    taken: set[str] = set()
    out = []
    for link in sorted(scored, key=lambda x: (-x.score, x.a, x.b)):
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
) -> list[dict[str, Any]]:
    """pairs.jsonl rows for the detected links: aligned passages, each row naming its link and score.

    Superseded versions (indexer.index.revisions) take part in no detected link, and a given
    link to one leaves its partner free: the translation of a corrected communiqué pairs with
    the latest version. With `reuse`, pairs of unchanged documents are not aligned again (an
    archive that grows by a few files does not re-align thousands); a document whose link
    changes because of a touched one is itself treated as touched, until nothing moves, so the
    links are those a full detection would find."""
    given = [(d.doc_id, d.translation_of) for d in documents if d.translation_of]
    linked = {x for pair in given if not set(pair) & superseded for x in pair if x}
    documents = [d for d in documents if d.doc_id not in superseded]
    rows: dict[str, list[int]] = {}
    for row, p in enumerate(passages):
        rows.setdefault(p.doc_id, []).append(row)
    if reuse is None:
        links = detect_links(documents, passages, vectors, linked)
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
            links = detect_links(documents, passages, vectors, linked, touched, previous)
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
                        link_ = [link.a, link.b, link.score]
                        out.append({"a": pa, "b": pb, "sim": round(sim, 4), "link": link_, "rules": RULES})
    return out


def _previous_links(
    rows: Sequence[dict[str, Any]],
) -> tuple[dict[frozenset[str], list[dict[str, Any]]], dict[frozenset[str], float]]:
    """The last build's detected links: their pairs.jsonl rows and scores, by document pair."""
    by_pair: dict[frozenset[str], list[dict[str, Any]]] = {}
    scores: dict[frozenset[str], float] = {}
    for row in rows:
        if "link" in row:
            a, b, score = row["link"]
            key = frozenset((str(a), str(b)))
            by_pair.setdefault(key, []).append(row)
            scores[key] = float(score)
    return by_pair, scores


def _same_meeting(a: Document, b: Document) -> bool:
    ma, mb = a.meta.get("meeting_number"), b.meta.get("meeting_number")
    return not ma or not mb or ma == mb
