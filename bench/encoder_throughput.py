"""Encoder throughput on real text: raw encoder calls against the indexing pipeline around them.

Usage: python -m bench.encoder_throughput [--texts 96]
Texts are real XQuAD paragraphs (en and es alternating, about 150 words). "raw" calls the
encoder directly at several batch sizes; "pipeline" runs a cold `build_index` over the same
paragraphs (split, cache lookups and writes, lexical, vectors, sentence vectors, publish).
`pipeline_vs_raw` divides the raw encoder's time for the same encoder work (every passage, and
every sentence and passage translation the build encodes) by the pipeline's wall time: what the
pipeline adds around the encoder (Apertium's translation included). Sentence vectors (for `ask`)
and translation vectors (cross-language search) roughly triple that work; `passages_vs_raw` is passages/s
of the pipeline over raw passages/s, with that cost in it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synthetic import base_documents
from bench.table import markdown_table
from indexer.encoders import load_encoder
from indexer.index.build import build_index, split_all
from indexer.index.doc_mt import FILE as DOC_MT_FILE
from indexer.index.sentences import split_sentences
from indexer.index.snapshot import open_snapshot


def real_paragraphs(n: int) -> list[Any]:
    docs = [d for d in base_documents() if d.doc_id.startswith("xquad-")]
    en = [d for d in docs if d.lang == "en"]
    es = [d for d in docs if d.lang == "es"]
    mixed = [d for pair in zip(en, es, strict=False) for d in pair]
    return mixed[:n]


def _translations(index_dir: Path) -> list[str]:
    """The machine translations the build stored (and encoded), from the served snapshot's doc_mt file."""
    snapshot = open_snapshot(index_dir)
    path = snapshot.path / DOC_MT_FILE
    if not path.is_file():
        return []
    return [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def measure(n_texts: int, batch_sizes: tuple[int, ...] = (1, 8, 16, 32)) -> dict[str, Any]:
    docs = real_paragraphs(n_texts)
    texts = [p.text for p in split_all(docs) if p.ordinal > 0]
    encoder: Any = load_encoder()  # the default runtime; batch_size is each runtime's own knob
    default_batch = encoder.batch_size
    encoder.encode_passages(texts[:4])  # load the model's pages before timing
    raw = []
    for bs in batch_sizes:
        encoder.batch_size = bs
        t0 = time.perf_counter()
        encoder.encode_passages(texts)
        raw.append({"batch": bs, "passages_per_s": round(len(texts) / (time.perf_counter() - t0), 2)})
    best = max(raw, key=lambda r: r["passages_per_s"])
    encoder.batch_size = default_batch
    # the build's own encoder work: all its passages, then the sentences that are not a passage
    passages = split_all(docs)
    passage_texts = [p.text for p in passages]
    known = set(passage_texts)
    sentence_texts = list(dict.fromkeys(passages[r].text[s:e] for r, s, e in split_sentences(passages).tolist()))
    sentence_texts = [t for t in sentence_texts if t not in known]
    t0 = time.perf_counter()
    encoder.encode_passages(passage_texts)
    raw_passages_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    encoder.encode_passages(sentence_texts)
    raw_sentences_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = build_index(docs, Path(tmp), encoder)
        wall = time.perf_counter() - t0
        # the build also encodes the passages' machine translations (cross-language dense evidence)
        translated = [t for t in dict.fromkeys(_translations(Path(tmp))) if t not in known]
    t0 = time.perf_counter()
    if translated:
        encoder.encode_passages(translated)
    raw_translations_s = time.perf_counter() - t0
    pipeline = report.passages / wall
    default = next((r for r in raw if r["batch"] == encoder.batch_size), best)
    return {
        "texts": len(texts),
        "words_per_text": round(sum(len(t.split()) for t in texts) / len(texts), 1),
        "raw": raw,
        "pipeline": {
            "passages": report.passages,
            "seconds": round(wall, 2),
            "passages_per_s": round(pipeline, 2),
            "stages_s": report.seconds,
            "batch": encoder.batch_size,
        },
        "raw_work": {
            "passages": len(passage_texts),
            "sentences": len(sentence_texts),
            "passages_s": round(raw_passages_s, 2),
            "sentences_s": round(raw_sentences_s, 2),
            "translations": len(translated),
            "translations_s": round(raw_translations_s, 2),
        },
        "pipeline_vs_raw": round((raw_passages_s + raw_sentences_s + raw_translations_s) / wall, 3),
        "passages_vs_raw": round(pipeline / default["passages_per_s"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=96)
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    args = parser.parse_args()
    result = measure(args.texts)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(markdown_table(["batch", "passages/s"], [[r["batch"], r["passages_per_s"]] for r in result["raw"]]))
    p = result["pipeline"]
    print(f"\npipeline: {p['passages']} passages in {p['seconds']} s = {p['passages_per_s']} passages/s")
    w = result["raw_work"]
    print(
        f"raw encoder on the same work ({w['passages']} passages in {w['passages_s']} s, {w['sentences']} sentences"
        f" in {w['sentences_s']} s, {w['translations']} translations in {w['translations_s']} s) / pipeline: "
        f"{result['pipeline_vs_raw']}"
    )
    ratio = result["passages_vs_raw"]
    print(
        f"pipeline passages/s / raw passages/s (batch {p['batch']}), sentence and translation vectors included: {ratio}"
    )


if __name__ == "__main__":
    main()
