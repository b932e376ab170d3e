"""Latency that query translation adds to a search, with the translation cache cold and warm.

Each query is searched with translation off and on, filtered to the other language, over the
bundled corpus indexed without its translation link (as in `bnc eval --no-translations`: no twin
lends evidence, so every search translates; searches a twin answers skip the translation;
--unfiltered searches translate too). Query vectors are encoded
once up front so the difference is the translation and its BM25 alone, plus the BM25 of the query
over the passages' build-time translations (indexer.index.doc_mt) and the query's vector against
those translations' vectors (indexer.index.doc_mt_vectors; "off" runs without any of them: translate and
doc_mt false). Prints the added p50/p95 per search (paired per query) and the per-stage laps
(indexer.retrieval.laps).

Usage: python -m bench.translation_latency [--n 200] [--unfiltered] [--fusion-set glossary=false ...]
(--unfiltered: no language filter: the translations' evidence is gathered for passages without a twin)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.queries import query_set
from bench.table import markdown_table, percentile
from eval.cli import ranking_config
from eval.engine import index_documents
from indexer.encoders import load_encoder
from indexer.index.build import build_index
from indexer.index.snapshot import open_snapshot
from indexer.ingest.corpus import load_corpus
from indexer.retrieval.querytrans import other_lang
from indexer.retrieval.search import Searcher, SearchFilters
from indexer.translate import Translator

ROOT = Path(__file__).resolve().parents[1]
STAGES: tuple[str, ...] = ("detect", "analyze", "bm25", "translate", "bm25_translated", "bm25_doc_mt", "encode", "ann")
STAGES += ("ann_doc_mt", "sentences", "fusion", "hits")


def _timed(searcher: Searcher, query: str, filters: SearchFilters) -> tuple[float, dict[str, float]]:
    t0 = time.perf_counter()
    result = searcher.search(query, k=10, filters=filters)
    return (time.perf_counter() - t0) * 1000, result.stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="distinct queries (commission, then XQuAD)")
    parser.add_argument(
        "--fusion-set", action="append", default=[], metavar="KEY=VALUE", help="a RankingConfig field of the 'on' run"
    )
    parser.add_argument(
        "--unfiltered",
        action="store_true",
        help="search without a language filter (the page's default)",
    )
    args = parser.parse_args()
    config = ranking_config(args.fusion_set)
    queries = query_set(args.n)
    docs = load_corpus(ROOT / "corpus").documents
    encoder = load_encoder()
    translator = Translator()
    if not translator.available():
        raise SystemExit("Apertium is not installed: nothing to measure (.ci/apertium-setup.sh)")
    with tempfile.TemporaryDirectory() as tmp:
        build_index(index_documents(docs, link_translations=False), Path(tmp), encoder)
        snapshot = open_snapshot(Path(tmp))
        # "off" is the search before any translation: neither the query's nor the passages' (doc_mt)
        off = Searcher(snapshot, encoder, replace(config, translate=False, doc_mt=False))
        on = Searcher(snapshot, encoder, config, translator=translator)
        # process start-up is paid once per server, not per search: start both directions' pipelines
        # (a search must be filtered to the other language to translate at all)
        on.search("warm up the pipelines", k=1, filters=SearchFilters(doc_lang="es"))
        on.search("calentar los procesos", k=1, filters=SearchFilters(doc_lang="en"))
        cases = []
        for q in queries:
            lang = off.detect(q).lang
            filters = SearchFilters() if args.unfiltered else SearchFilters(doc_lang=other_lang(lang))
            off.search(q, k=10, filters=filters)  # encodes the query once (shared vector LRU)
            cases.append((q, filters))
        # interleaved per search (off, on with the cache cleared, on again): the machine's noise
        # then hits the three alike, and the differences are paired
        base: list[float] = []
        timed: dict[str, list[tuple[float, dict[str, float]]]] = {"cold": [], "warm": []}
        for q, f in cases:
            base.append(_timed(off, q, f)[0])
            translator.clear_cache()
            timed["cold"].append(_timed(on, q, f))
            timed["warm"].append(_timed(on, q, f))
        rows, laps = [], {}
        for phase, runs in timed.items():
            added = [t - b for (t, _), b in zip(runs, base, strict=True)]
            p50_off, p50_on = statistics.median(base), statistics.median(t for t, _ in runs)
            rows.append(
                [
                    f"translation cache {phase}",
                    f"{p50_off:.2f}",
                    f"{p50_on:.2f}",
                    f"{p50_on - p50_off:.2f}",
                    f"{statistics.median(added):.2f}",
                    f"{percentile(added, 0.95):.2f}",
                    len(cases),
                ]
            )
            laps[phase] = {s: statistics.median(st.get(s, 0.0) for _, st in runs) for s in STAGES}
        translator.close()
    head = ["run", "p50 off ms", "p50 on ms", "on - off p50 ms", "added p50 ms (paired)", "added p95 ms", "searches"]
    print(markdown_table(head, rows))
    print()
    print(markdown_table(["stage (p50 ms)", *laps], [[s, *(f"{laps[p][s]:.3f}" for p in laps)] for s in STAGES]))


if __name__ == "__main__":
    main()
