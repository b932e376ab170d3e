"""What the CLI prints for people: build summaries, hits and answers (the JSON forms are the API's)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.index.build import BuildReport


class _Stderr(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr)  # the stderr of now, not of the first call


def say_model_builds() -> None:
    """One-shot commands configure no logging; the first-use build of the ONNX model (seconds)
    should still say what it is doing, on stderr."""
    log = logging.getLogger("bnc.encoder")
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
        log.setLevel(logging.INFO)


def build_summary(report: BuildReport) -> str:
    c = report.changes
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
    head = (
        f"published {report.version} ({'full' if report.full else 'incremental'}): "
        f"{report.documents} documents (+{len(c.added)} added, {len(c.changed)} changed, {len(c.removed)} removed), "
        f"{report.passages} passages (+{c.passages_added} / -{c.passages_removed}); "
        f"vectors: {report.encoded} encoded, {report.reused} reused; {stages}"
    )
    revisions = "".join(f"\n  {r.old} is superseded by {r.new} ({r.how})" for r in report.revisions)
    missing = report.untranslated
    untranslated = f"\n  {missing} passages published without their machine translation" if missing else ""
    return head + revisions + untranslated


def print_hits(result: dict[str, Any]) -> None:
    print(
        f"{len(result['hits'])} hits for {result['query']!r} (lang {result['lang']} "
        f"{result['lang_confidence']:.2f}, {result['mode']}, {result['took_ms']:.1f} ms, "
        f"index {result['index_version']})"
    )
    understood = result.get("understood")
    if understood:
        print(f"understood: {understood['text']!r} (preferred, not a filter; --no-understand to ignore it)")
    for hit in result["hits"]:
        older = f"  (older version; superseded by {hit['superseded_by']})" if hit.get("superseded_by") else ""
        print(f"\n{hit['rank']:>2}. [{hit['lang']}] {hit['score']:.4f}  {hit['citation']['label']}{older}")
        print(f"    {hit['text'][:300]}{'…' if len(hit['text']) > 300 else ''}")
        mt = hit.get("machine_translation")
        if mt:
            print(f"    [{mt['lang']}, {mt['label']}] {mt['text'][:300]}")
        more = hit.get("more_from_document")
        if more and more["count"]:
            print(f"    + {more['count']} more from this document")


def print_quote(prefix: str, quote: dict[str, Any]) -> None:
    print(f"{prefix}[{quote['lang']}] \u201c{quote['text']}\u201d")
    print(f"    \u2014 {quote['citation']['label']}")


def print_answer(out: dict[str, Any]) -> None:
    if out["answered"]:
        heading = "Answer" if out["level"] == "answer" else "Likely answer, check the passage"
        print(f"{heading} (confidence {out['confidence']:.2f}):")
        print_quote("  ", out["answer"])
        if out["twin"]:
            print_quote("  ", out["twin"])
    else:
        words = "Not found in the communiqués" if out["level"] == "not_found" else "No answer card for a keyword search"
        print(f"{words} (confidence {out['confidence']:.2f}).")
        if out["best_guess"]:
            print_quote("  closest sentence: ", out["best_guess"])
    paragraphs = ", ".join(f"{h['lang']} \u00b6{h['citation']['paragraph']}" for h in out["hits"])
    print(f"Supporting passages: {paragraphs}")
