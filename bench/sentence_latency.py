"""Latency that sentence-level dense evidence adds to a hybrid search (indexer.retrieval.sentence_evidence).

Each XQuAD question is searched filtered to its own language (same-language profile) and to the other
language (cross-language profile) over the XQuAD evaluation snapshot (534 passages, about 3,500
sentences; built by `bnc eval --dataset xquad`), with the sentence weights at 0 ("off") and as
configured ("on"), interleaved per search. Query vectors and query translations are warmed first, so
the paired difference is the gather and the matrix-vector product over the candidates' sentences and
one more list in fusion. The cost grows with the candidates (about depth 100 per retriever), not with
the archive. Prints added p50/p95 per profile, the `sentences` stage and the candidates scored.

Usage: python -m bench.sentence_latency [--n 200] [--fusion-set sentence_dense=1.5 ...]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from bench.queries import xquad_questions
from bench.table import markdown_table, percentile
from eval.cli import fusion_config
from eval.parser import CACHE_DIR
from indexer.encoders import load_encoder
from indexer.index.snapshot import open_snapshot
from indexer.retrieval.querytrans import other_lang
from indexer.retrieval.search import Searcher, SearchFilters


def _ms(searcher: Searcher, query: str, filters: SearchFilters) -> tuple[float, float]:
    """The search's wall time and its `sentences` stage, in ms."""
    t0 = time.perf_counter()
    result = searcher.search(query, k=10, filters=filters)
    return (time.perf_counter() - t0) * 1000, result.stages.get("sentences", 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="distinct XQuAD questions, alternating en and es")
    parser.add_argument("--fusion-set", action="append", default=[], metavar="KEY=VALUE", help="the 'on' run")
    args = parser.parse_args()
    config = fusion_config(args.fusion_set)
    folder = CACHE_DIR / "xquad-index"
    if not (folder / "CURRENT").is_file():
        raise SystemExit(f"no XQuAD evaluation snapshot in {folder}: run `bnc eval --dataset xquad` first")
    snapshot, encoder = open_snapshot(folder), load_encoder()
    if snapshot.sentences is None:
        raise SystemExit("the snapshot has no sentence table")
    on = Searcher(snapshot, encoder, config)
    off = Searcher(snapshot, encoder, replace(config, sentence_dense=0.0, sentence_dense_mixed=0.0))
    queries = xquad_questions(args.n)
    rows = []
    for profile in ("same-language", "cross-language"):
        cases = []
        for q in queries:
            lang = off.detect(q).lang
            filters = SearchFilters(doc_lang=lang if profile == "same-language" else other_lang(lang))
            on.search(q, k=10, filters=filters)  # the query's vector and translation, once
            cases.append((q, filters))
        base, timed, stage, scored = [], [], [], []
        for q, f in cases:
            base.append(_ms(off, q, f)[0])
            took, lap = _ms(on, q, f)
            timed.append(took)
            stage.append(lap)
            scored.append(len(on.retrieve(q, k=10, filters=f).sentence))
        added = [t - b for t, b in zip(timed, base, strict=True)]
        rows.append(
            [
                profile,
                f"{statistics.median(base):.2f}",
                f"{statistics.median(timed):.2f}",
                f"{statistics.median(added):.2f}",
                f"{percentile(added, 0.95):.2f}",
                f"{statistics.median(stage):.3f}",
                f"{statistics.median(scored):.0f}",
                len(cases),
            ]
        )
    head = ["searches", "p50 off ms", "p50 on ms", "added p50 ms (paired)", "added p95 ms", "sentences stage p50 ms"]
    print(markdown_table([*head, "candidates scored p50", "n"], rows))


if __name__ == "__main__":
    main()
