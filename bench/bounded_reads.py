"""What reading every file in a bounded worker process costs: the same extraction in this process and in a worker.

Usage: python -m bench.bounded_reads [--runs 200] [--out PATH]

Each bundled corpus file (Markdown) and a Word and an RTF file made from it are extracted by
`indexer.ingest.readers.extract_file` directly, and through `indexer.ingest.bounded.run_bounded`
(a reused worker: the request and the answer cross a pipe), alternating call by call so machine
noise falls on both alike. The first call's worker start is reported on its own.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from bench.table import markdown_table, percentile, write_report
from indexer.ingest.bounded import close_workers, run_bounded
from indexer.ingest.readers import extract_file

ROOT = Path(__file__).resolve().parents[1]


def _samples() -> list[tuple[str, bytes]]:
    import docx

    md = next((ROOT / "corpus").rglob("*.md"))
    text = md.read_text("utf-8").split("---", 2)[-1]
    document = docx.Document()
    for para in text.split("\n\n"):
        document.add_paragraph(para.strip())
    out = io.BytesIO()
    document.save(out)
    rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0\\fcharset0 Times;}}" + "\\par ".join(text.split("\n\n")) + "}"
    return [(md.name, md.read_bytes()), ("same.docx", out.getvalue()), ("same.rtf", rtf.encode("latin-1", "replace"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bounded-reads.md")
    args = parser.parse_args()
    close_workers()
    started = time.perf_counter()
    run_bounded("probe_sleep", (0,))
    first = time.perf_counter() - started
    rows = []
    for name, data in _samples():
        here: list[float] = []
        there: list[float] = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            extract_file(data, name)
            t1 = time.perf_counter()
            run_bounded("extract", (data, name, None))
            t2 = time.perf_counter()
            here.append(t1 - t0)
            there.append(t2 - t1)
        a, b = statistics.median(here) * 1000, statistics.median(there) * 1000
        rows.append(
            [
                name,
                f"{len(data) / 1024:.1f}",
                f"{a:.2f}",
                f"{b:.2f}",
                f"{b - a:+.2f}",
                f"{percentile(there, 0.99) * 1000:.2f}",
            ]
        )
    lines = [
        "# Reading a file in a bounded worker",
        "",
        f"`python -m bench.bounded_reads --runs {args.runs}`: median ms per file, extraction only "
        "(the Document is built in the caller either way).",
        "",
        markdown_table(["file", "KB", "in process", "in a worker", "cost", "worker p99"], rows),
        "",
        f"A worker's start (once per process, reused after): {first * 1000:.0f} ms.",
    ]
    write_report(args.out, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
