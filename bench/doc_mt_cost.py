"""What index-time document translation (indexer.index.doc_mt) and its dense vectors
(indexer.index.doc_mt_vectors) add to a build: time and index size.

Each corpus is built into fresh folders, without and with the translation, from one warm
embedding cache (`bnc eval`'s cache when it has one, else a first build fills it), so the encode
stage does not drown the difference; its uncached cost is reported from `--encode-sample`
passages per corpus, scaled to the corpus (the translations' vectors cost the same per passage:
one more passage encoding each). The translator is a
fresh one per build (no in-process memo): the translate stage is Apertium's real cost.
Corpora: the bundled corpus and XQuAD's en/es paragraphs (with $BNC_DATASETS or ../shared/datasets).

Usage: python -m bench.doc_mt_cost [--corpus bundled,xquad] [--encode-sample 32]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.table import markdown_table
from indexer.encoders import Encoder, load_encoder
from indexer.index import doc_mt, doc_mt_vectors
from indexer.index import snapshot_files as snap
from indexer.index.build import build_index
from indexer.ingest.corpus import load_corpus
from indexer.types import Document

ROOT = Path(__file__).resolve().parents[1]


def _documents(name: str) -> list[Document]:
    if name == "bundled":
        return load_corpus(ROOT / "corpus").documents
    from eval.datasets.registry import load_dataset

    return load_dataset(name).documents


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def _encode_rate(encoder: Encoder, texts: list[str]) -> float:
    """Seconds per passage, uncached (the build's encode stage without the embedding cache)."""
    t0 = time.perf_counter()
    encoder.encode_passages(texts)
    return (time.perf_counter() - t0) / max(len(texts), 1)


def measure(name: str, encoder: Encoder, sample: int, tmp: Path) -> list[object]:
    docs = _documents(name)
    cache = tmp / f"{name}-cache"
    seed = ROOT / "eval" / "results" / "cache" / f"{name}-index" / "cache"  # `bnc eval`'s, when there
    if seed.is_dir():
        shutil.copytree(seed, cache / "cache")
    out: dict[str, tuple[float, float, int, int]] = {}
    # the first build fills the embedding cache; "vectors" adds the translations' dense vectors
    for kind in ("none", "mt", "vectors", "none"):
        with_mt = kind != "none"
        index_dir = tmp / f"{name}-{kind}"
        shutil.rmtree(index_dir, ignore_errors=True)
        if (cache / "cache").is_dir():
            shutil.copytree(cache / "cache", index_dir / "cache")
        translator = doc_mt.DocTranslator()
        t0 = time.perf_counter()
        vectors = kind == "vectors"
        report = build_index(
            docs, index_dir, encoder, doc_translator=translator, doc_mt=with_mt, doc_mt_vectors=vectors
        )
        total = time.perf_counter() - t0
        translator.close()
        if not (cache / "cache").is_dir():
            shutil.copytree(index_dir / "cache", cache / "cache")
        snapshot = snap.snapshots_dir(index_dir) / report.version
        added = (doc_mt_vectors.DIR,) if vectors else (doc_mt.DIR, doc_mt.FILE)
        mt_bytes = sum(_size(snapshot / f) for f in added if (snapshot / f).exists())
        stage = report.seconds.get("doc_mt_vectors" if vectors else "doc_mt", 0.0)
        out[kind] = (total, stage, _size(snapshot), mt_bytes)
    passages = _passage_texts(tmp / f"{name}-mt")
    words = sum(len(t.split()) for t in passages)
    per_passage = _encode_rate(encoder, passages[:sample])
    encode_s = per_passage * len(passages)
    (base_s, _, base_bytes, _), (mt_s, translate_s, mt_total, mt_bytes) = out["none"], out["mt"]
    vec_s, vec_stage_s, _, vec_bytes = out["vectors"]
    return [
        name,
        len(passages),
        words,
        f"{translate_s:.2f}",
        f"{words / translate_s:,.0f}" if translate_s else "-",
        f"{encode_s:.1f}",
        f"{100 * translate_s / encode_s:.1f}%" if encode_s else "-",
        f"{base_s:.2f} / {mt_s:.2f}",
        f"{base_bytes / 1e6:.2f} / {mt_total / 1e6:.2f}",
        f"{mt_bytes / 1e6:.2f} ({100 * mt_bytes / base_bytes:.0f}%)",
        f"{encode_s:.1f} (+100%)",
        f"{vec_stage_s:.2f} / {vec_s:.2f}",
        f"{vec_bytes / 1e6:.2f} ({100 * vec_bytes / mt_total:.0f}%)",
    ]


def _passage_texts(index_dir: Path) -> list[str]:
    from indexer.index.snapshot import open_snapshot

    return [p.text for p in open_snapshot(index_dir).passages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default="bundled,xquad", help="comma-separated: bundled, xquad")
    parser.add_argument("--encode-sample", type=int, default=32, help="passages encoded uncached to time encoding")
    args = parser.parse_args()
    if not doc_mt.DocTranslator().available():
        raise SystemExit("Apertium is not installed: nothing to measure (.ci/apertium-setup.sh)")
    encoder = load_encoder()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(name, encoder, args.encode_sample, Path(tmp)) for name in args.corpus.split(",")]
    head = [
        "corpus",
        "passages",
        "words",
        "translate s",
        "words/s",
        "encode s (uncached, est.)",
        "translate / encode",
        "build s without / with (warm cache)",
        "snapshot MB without / with",
        "added MB",
        "vectors: encode s (uncached, est.)",
        "vectors: stage s / build s (warm cache)",
        "vectors: added MB (of with)",
    ]
    print(markdown_table(head, rows))


if __name__ == "__main__":
    main()
