"""Revisions: a document whose text is nearly that of another in the same language supersedes it.

A corrected communiqué arrives as a new file. Two documents of one language are versions of
the same text when the Jaccard similarity of their word 5-gram sketches (indexer.ingest.shingles) reaches
REVISION_THRESHOLD. Versions form a chain, oldest first, ordered by:
`supersedes: <doc_id>` in a document's metadata (given; always wins); then the date, when both
versions have one and they differ; then the index version in which each was first seen (a file
that arrives after another supersedes it); then doc_id. `not_revision_of: <doc_id>` refuses a
detected pair. Search shows only the last version of a chain unless asked for all of them.
An excerpt (a document whose text is contained in a larger one: its opening paragraphs as a file, or
the same page saved without its header) is linked to the fuller document ("excerpt") and not indexed.
Sketches (a fixed sample of the shingle hashes) are cached by document checksum, in the process and
on disk (indexer.index.sketch_cache), so a rebuild after one new file hashes one text.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from indexer.index.sketch_cache import SketchCache, sketch_key
from indexer.ingest.shingles import jaccard, sketch
from indexer.types import Document

REVISION_THRESHOLD = 0.4  # Jaccard of the sketches. eval/revisions.py on the XQuAD dev articles: distinct
# articles <= 0.01; one sentence in ten rewritten >= 0.66, one in five >= 0.48, a third dropped >= 0.42
COMMON_SHINGLE = 50  # a shingle in more documents than this is boilerplate (headers, sign-offs)
MIN_SHINGLES = 8  # a sketch smaller than this (about 40 words) is too short to call a revision
EXCERPT_CONTAINMENT = 0.9  # share of a document's sketch found in a larger one: its text is a part of that one
EXCERPT_MAX_SHARE = 0.6  # ... when it is at most this share of the larger one's size (a third dropped is a revision:
# eval/revisions.py measures such cuts as revisions); the same text but for the header is a duplicate at any size
SKETCH_CACHE = 200_000  # sketches kept per process, by document checksum: a rebuild re-reads only new texts

_sketches: dict[tuple[str, str], np.ndarray] = {}


@dataclass(frozen=True)
class Revision:
    """`old` is superseded by `new`; `how` is "given" or "detected" (with the sketch similarity), or "excerpt":
    `old`'s text is contained in `new` (with the containment), so it is linked to it and not indexed."""

    old: str
    new: str
    similarity: float | None
    how: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cached_sketch(doc: Document) -> np.ndarray:
    key = (doc.sha256 or doc.doc_id, doc.lang)
    got = _sketches.get(key)
    if got is None or not doc.sha256:
        if len(_sketches) >= SKETCH_CACHE:
            _sketches.clear()
        got = _sketches[key] = sketch(doc.body)
    return got


def _ids(doc: Document, key: str) -> set[str]:
    return {x.strip() for x in doc.meta.get(key, "").split(",") if x.strip()}


def _load_sketches(documents: Sequence[Document], store: SketchCache) -> None:
    """Fill the process's memo from `store`, and put there the sketches it lacks (memoised or hashed now)."""
    keyed = {sketch_key(d.sha256, d.lang): d for d in documents if d.sha256}
    found = store.get_many(list(keyed))
    new: dict[str, np.ndarray] = {}
    for key, d in keyed.items():
        if key in found:
            _sketches.setdefault((d.sha256, d.lang), found[key])
        else:
            new[key] = _cached_sketch(d)
    if new:
        store.put_many(new)


def _shared_counts(
    documents: Sequence[Document], store: SketchCache | None
) -> list[tuple[list[tuple[str, np.ndarray]], dict[tuple[int, int], int]]]:
    """Per language: the documents' sketches, and how many non-boilerplate hashes each pair shares."""
    out = []
    by_lang: dict[str, list[tuple[str, np.ndarray]]] = defaultdict(list)
    if store is not None and len(documents) <= SKETCH_CACHE:
        _load_sketches(documents, store)
    for d in documents:
        sk = _cached_sketch(d)
        if len(sk) >= MIN_SHINGLES:
            by_lang[d.lang].append((d.doc_id, sk))
    for docs in by_lang.values():
        if len(docs) < 2:
            continue
        hashes = np.concatenate([sk for _, sk in docs])
        owner = np.repeat(np.arange(len(docs)), [len(sk) for _, sk in docs])
        order = np.argsort(hashes, kind="stable")
        hashes, owner = hashes[order], owner[order]
        starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
        sizes = np.diff(np.r_[starts, len(hashes)])
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for start, size in zip(
            starts[(sizes > 1) & (sizes <= COMMON_SHINGLE)], sizes[(sizes > 1) & (sizes <= COMMON_SHINGLE)], strict=True
        ):
            members = owner[start : start + size].tolist()
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    shared[(a, b)] += 1
        out.append((docs, shared))
    return out


def similar_pairs(documents: Sequence[Document], store: SketchCache | None = None) -> dict[tuple[str, str], float]:
    """Same-language document pairs (sorted ids) at or above REVISION_THRESHOLD, with their similarity.

    `store` keeps sketches across processes (by checksum); without it they are memoised per process."""
    return similar_and_contained(documents, store)[0]


def similar_and_contained(
    documents: Sequence[Document], store: SketchCache | None = None
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """similar_pairs, and the (smaller, larger) pairs whose smaller sketch lies at least EXCERPT_CONTAINMENT
    inside the larger one, with that containment."""
    out: dict[tuple[str, str], float] = {}
    contained: dict[tuple[str, str], float] = {}
    for docs, shared in _shared_counts(documents, store):
        for (a, b), n in shared.items():
            (ida, sa), (idb, sb) = docs[a], docs[b]
            small, large = ((ida, sa), (idb, sb)) if len(sa) <= len(sb) else ((idb, sb), (ida, sa))
            if n >= EXCERPT_CONTAINMENT * len(small[1]) / 2:
                share = len(np.intersect1d(small[1], large[1], assume_unique=True)) / len(small[1])
                if share >= EXCERPT_CONTAINMENT:
                    contained[(small[0], large[0])] = round(share, 4)
            # a pair at the threshold shares at least REVISION_THRESHOLD * max(|A|, |B|) hashes;
            # skip the exact count unless at least half of those are outside the boilerplate
            if n < REVISION_THRESHOLD * max(len(sa), len(sb)) / 2:
                continue
            sim = jaccard(sa, sb)
            if sim >= REVISION_THRESHOLD:
                out[(ida, idb) if ida < idb else (idb, ida)] = round(sim, 4)
    return out, contained


def _excerpt(small: Document, large: Document, share: float, size_ratio: float) -> bool:
    """`small` repeats `large`'s text: the same text once the header blocks are set aside, or a contained part
    of at most EXCERPT_MAX_SHARE of it (a correction that cuts a little is a revision, not an excerpt)."""
    from indexer.ingest.header_block import header_end
    from indexer.ingest.shingles import same_text

    if same_text(small.body[header_end(small.body, small.lang) :], large.body[header_end(large.body, large.lang) :]):
        return True
    return share >= EXCERPT_CONTAINMENT and size_ratio <= EXCERPT_MAX_SHARE


def detect_revisions(
    documents: Sequence[Document], first_seen: Mapping[str, str], sketches: SketchCache | None = None
) -> list[Revision]:
    """The supersede links among `documents`: each chain of versions as (older, next newer) links.

    `first_seen` maps a doc_id to the index version it was first built into (absent: this build);
    `sketches` keeps the documents' sketches across processes."""
    docs = {d.doc_id: d for d in documents}
    edges: dict[tuple[str, str], float | None] = {}
    given: set[tuple[str, str]] = set()
    for d in documents:
        for old in _ids(d, "supersedes"):
            if old in docs and old != d.doc_id:
                edges[tuple(sorted((old, d.doc_id)))] = None  # type: ignore[index]
                given.add((old, d.doc_id))
    similar, contained = similar_and_contained(documents, sketches)
    excerpts: dict[str, Revision] = {}
    for (small, large), share in sorted(contained.items(), key=lambda x: (-x[1], x[0])):
        if small in excerpts or large in excerpts or large in _ids(docs[small], "not_revision_of"):
            continue
        ratio = len(_cached_sketch(docs[small])) / max(1, len(_cached_sketch(docs[large])))
        if _excerpt(docs[small], docs[large], share, ratio):
            excerpts[small] = Revision(small, large, share, "excerpt")
    for (a, b), sim in similar.items():
        if b in _ids(docs[a], "not_revision_of") or a in _ids(docs[b], "not_revision_of"):
            continue
        if a in excerpts or b in excerpts:
            continue  # an excerpt is linked to its fuller document, not chained as a version
        edges.setdefault((a, b), sim)
    groups = _components(edges)
    out: list[Revision] = []
    for group in groups:
        chain = _order(sorted(group), docs, given, first_seen)
        for old, new in itertools.pairwise(chain):
            key = (old, new) if old < new else (new, old)
            how = "given" if (old, new) in given else "detected"
            out.append(Revision(old, new, edges.get(key), how))
    return sorted([*out, *excerpts.values()], key=lambda r: (r.old, r.new))


def _components(edges: Mapping[tuple[str, str], object]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in parent:
        groups[find(x)].add(x)
    return list(groups.values())


def _order(
    ids: list[str], docs: Mapping[str, Document], given: set[tuple[str, str]], first_seen: Mapping[str, str]
) -> list[str]:
    """Oldest first: given links, then differing dates, then first seen, then doc_id."""

    def older(a: str, b: str) -> int:
        if (a, b) in given:
            return -1
        if (b, a) in given:
            return 1
        da, db = docs[a].date, docs[b].date
        if da and db and da != db:
            return -1 if da < db else 1
        # absent from first_seen: new in this build, so newer than anything already indexed
        fa, fb = first_seen.get(a, "~"), first_seen.get(b, "~")
        if fa != fb:
            return -1 if fa < fb else 1
        return -1 if a < b else (1 if a > b else 0)

    return sorted(ids, key=functools.cmp_to_key(older))


def excerpt_of(revisions: Sequence[Revision]) -> dict[str, str]:
    """Each excerpt's doc_id -> the fuller document its text is contained in."""
    return {r.old: r.new for r in revisions if r.how == "excerpt"}


def superseded_by(revisions: Sequence[Revision]) -> dict[str, str]:
    """Each superseded doc_id -> the next newer version."""
    return {r.old: r.new for r in revisions}


def latest_of(revisions: Sequence[Revision]) -> dict[str, str]:
    """Each superseded doc_id -> the latest version of its chain."""
    nxt = superseded_by(revisions)
    out = {}
    for old in nxt:
        cur, seen = old, {old}
        while cur in nxt and nxt[cur] not in seen:
            cur = nxt[cur]
            seen.add(cur)
        out[old] = cur
    return out
