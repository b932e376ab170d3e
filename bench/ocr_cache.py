"""What a new process pays to read a corpus of scans, with and without the OCR cache.

Usage: python -m bench.ocr_cache [--files 4] [--rounds 3] [--out FILE]
Renders FILES scanned letter pages (PNG, 200 DPI, the bundled communiqués' paragraphs) into a
corpus folder, then times `corpus_catalog(settings).load()` in fresh processes, as `bnc index` and
a restarted `bnc serve` run it: with an empty cache and Tesseract on OpenMP's default threads
(one per core), with an empty cache and one thread (the default), then ROUNDS times with the
cache left by the first one-thread run. Prints medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from bench.table import markdown_table

ROOT = Path(__file__).resolve().parents[1]
LOAD = """
import json, sys, time
import indexer.ingest.ocr
from service.config import Settings
from service.indexing import corpus_catalog
indexer.ingest.ocr.TESSERACT_THREADS = int(sys.argv[3])
settings = Settings(index=sys.argv[1], corpus=sys.argv[2])
t0 = time.perf_counter()
loaded = corpus_catalog(settings).load()
print(json.dumps({"s": time.perf_counter() - t0, "docs": len(loaded.documents), "errors": loaded.errors}))
"""


def _pages(n: int) -> list[bytes]:
    """n letter pages of real paragraphs, each page a different excerpt (so no two files are alike)."""
    import io

    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    from indexer.ingest.corpus import load_corpus

    dpi = 200
    font = ImageFont.truetype(os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSerif.ttf"), dpi * 11 // 72)
    paras = [p for d in load_corpus(ROOT / "corpus").documents for p in d.body.split("\n\n")[1:]]
    out = []
    for i in range(n):
        page = Image.new("L", (int(8.5 * dpi), 11 * dpi), 255)
        draw = ImageDraw.Draw(page)
        y, step = int(0.8 * dpi), int(font.size * 1.35)
        for para in paras[i * 4 : i * 4 + 4]:
            for line in textwrap.wrap(para, 88):
                if y < 10 * dpi:
                    draw.text((int(0.9 * dpi), y), line, font=font, fill=0)
                y += step
            y += step
        data = io.BytesIO()
        page.save(data, "PNG")
        out.append(data.getvalue())
    return out


def _load(index: Path, corpus: Path, threads: int = 1) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(index), str(corpus), str(threads)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure(files: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        for lang in ("en", "es"):
            (corpus / lang).mkdir(parents=True)
        for i, data in enumerate(_pages(files)):
            (corpus / "en" / f"scan-{i:03d}.png").write_bytes(data)
        default_threads = _load(Path(tmp) / "index-omp", corpus, threads=0)  # no cache: OpenMP's default threads
        cold = _load(index, corpus)
        warm = [_load(index, corpus) for _ in range(rounds)]
    assert not cold["errors"] and all(not w["errors"] for w in warm), (cold, warm)
    assert not default_threads["errors"], default_threads
    return {
        "files": files,
        "documents": cold["docs"],
        "cold_s": round(float(cold["s"]), 2),  # type: ignore[arg-type]
        "cold_omp_default_s": round(float(default_threads["s"]), 2),  # type: ignore[arg-type]
        "cached_s": round(statistics.median(float(w["s"]) for w in warm), 3),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    r = measure(args.files, args.rounds)
    rows = [
        ["no cache, Tesseract with OpenMP's default threads (before)", r["cold_omp_default_s"], ""],
        [
            "no cache (first read), Tesseract on one thread",
            r["cold_s"],
            f"{float(r['cold_omp_default_s']) / max(float(r['cold_s']), 1e-6):.1f}x vs OpenMP's default",  # type: ignore[arg-type]
        ],
        ["OCR cache", r["cached_s"], f"{float(r['cold_s']) / max(float(r['cached_s']), 1e-6):.0f}x vs a first read"],  # type: ignore[arg-type]
    ]
    text = (
        f"# Reading a corpus of {r['files']} scanned pages in a new process\n\n"
        f"`python -m bench.ocr_cache --files {args.files} --rounds {args.rounds}` (fresh process per load; median of "
        f"{args.rounds} cached loads)\n\n" + markdown_table(["load", "s", "faster"], rows) + "\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
