"""The relevance rule for span labels: a passage holds at least half of a quoted span."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from eval.datasets.types import SpanLabel
from indexer.types import Document, Passage

Span = tuple[int, int]


def locate(body: str, quote: str) -> Span | None:
    """(start, end) of the first exact occurrence of `quote` in `body`, or None."""
    if not quote:
        return None
    start = body.find(quote)
    return None if start < 0 else (start, start + len(quote))


def overlap(a: Span, b: Span) -> int:
    """Number of characters two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covers_half(passage: Passage, span: Span) -> bool:
    """True when the passage contains at least half of the span's characters."""
    length = span[1] - span[0]
    return length > 0 and 2 * overlap((passage.char_start, passage.char_end), span) >= length


def relevant_passages(
    passages: Iterable[Passage], documents: Mapping[str, Document], labels: Sequence[SpanLabel]
) -> set[str]:
    """Ids of the passages relevant to one query; a quote that is not found marks nothing."""
    spans: dict[str, list[Span]] = {}
    for label in labels:
        doc = documents.get(label.doc_id)
        span = locate(doc.body, label.quote) if doc else None
        if span is not None:
            spans.setdefault(label.doc_id, []).append(span)
    return {p.passage_id for p in passages if any(covers_half(p, s) for s in spans.get(p.doc_id, []))}
