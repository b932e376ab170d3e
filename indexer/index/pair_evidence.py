"""What a translation link rests on, in words for the import report and the document view.

A detected link names its alignment score, how many paragraphs of each side found a counterpart,
and whether the dates and meetings agree (an undated side: its texts were checked, indexer.index.pairing)."""

from __future__ import annotations

from indexer.index.snapshot import IndexSnapshot


def link_evidence(snapshot: IndexSnapshot, doc_id: str) -> str:
    """'' when the document has no translation link."""
    doc = snapshot.documents.get(doc_id)
    if doc is None:
        return ""
    if doc.translation_of or doc_id in snapshot.given_links():
        return "given (translation_of)"
    found = snapshot.detected_links.get(doc_id)
    if found is None:
        return ""
    twin_id, score = found
    twin = snapshot.documents.get(twin_id)
    rows, twin_rows = snapshot.doc_rows.get(doc_id, []), snapshot.doc_rows.get(twin_id, [])
    aligned = sum(1 for r in rows if r in snapshot.twins)
    twin_aligned = sum(1 for r in twin_rows if r in snapshot.twins)
    parts = [f"alignment {score:.2f}: {aligned} of {len(rows)} paragraphs aligned ({twin_aligned} of {len(twin_rows)})"]
    number, twin_number = doc.meta.get("meeting_number"), twin.meta.get("meeting_number") if twin else None
    if twin is not None and doc.date and twin.date:
        parts.append(f"same date {doc.date}")
    if number and twin_number:
        parts.append(f"same meeting {number}")
    if twin is None or (not (doc.date and twin.date) and not (number and number == twin_number)):
        parts.append("neither dates nor meeting vouch for it: its texts were checked (lengths, numbers)")
    return "; ".join(parts)


def import_links(snapshot: IndexSnapshot) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """For the import report (indexer.ingest.bulk.fill_pairs): each document's link evidence, each excerpt's
    fuller document, and each revision's older version (excerpts are no versions)."""
    evidence = {d: e for d in snapshot.documents if (e := link_evidence(snapshot, d))}
    excerpts = {r.old: r.new for r in snapshot.revisions if r.how == "excerpt"}
    supersedes = {r.new: r.old for r in snapshot.revisions if r.how != "excerpt"}
    return evidence, excerpts, supersedes
