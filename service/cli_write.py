"""The `bnc` commands that write: `bnc index` (build and publish, --watch) and `bnc add` (store files, build once)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.cli_common import UsageError, settings_from
from service.cli_output import build_summary
from service.config import Settings

if TYPE_CHECKING:
    from indexer.index.build import BuildReport
    from service.indexing import Rebuild


def rebuild_from(
    settings: Settings, full: bool = False, progress: bool = True, wait: bool = False, skip_unchanged: bool = False
) -> Rebuild:
    """One build of the corpus; with `skip_unchanged`, none when the served snapshot already matches it."""
    from indexer.encoders import load_encoder
    from service.indexing import NothingToIndex, corpus_catalog, rebuild

    catalog = corpus_catalog(settings)
    try:
        return rebuild(
            catalog,
            Path(settings.index),
            load_encoder(settings.encoder),
            full=full,
            keep=settings.keep_snapshots,
            progress=progress,
            wait_for_lock=wait,
            # a broken or missing CURRENT is never up to date, so this still builds to repair it
            skip_if_current=skip_unchanged,
            warn=lambda line: print(f"warning: {line}", file=sys.stderr),
            doc_mt=settings.doc_mt,
            doc_mt_vectors=settings.doc_mt_vectors,
            milvus_uri=settings.milvus,
        )
    except NothingToIndex as exc:
        raise UsageError(str(exc)) from None


def run_index(settings: Settings, full: bool = False, progress: bool = True, wait: bool = False) -> BuildReport:
    """Build and publish, whatever the served snapshot holds."""
    done = rebuild_from(settings, full=full, progress=progress, wait=wait)
    assert done.report is not None  # skip_unchanged is off: it always builds
    return done.report


def index_summary(done: Rebuild, as_json: bool) -> str:
    """What `bnc index` prints: the build report, or that the served version already matched."""
    if done.report is not None:
        return (
            json.dumps({"outcome": "published", **done.report.to_dict()}, indent=2)
            if as_json
            else (build_summary(done.report))
        )
    documents = len(done.loaded.documents)
    if as_json:
        return json.dumps({"outcome": "unchanged", "version": done.version, "documents": documents}, indent=2)
    return (
        f"unchanged: {done.version} already holds these {documents} documents; nothing was published "
        "(--full rebuilds anyway)"
    )


def own_corpus(settings: Settings, args: argparse.Namespace) -> Settings:
    """With no corpus named (--corpus, BNC_CORPUS), the one the index records it was built from, not ./corpus."""
    from service.indexing import built_from

    if getattr(args, "corpus", None) or "corpus" in Settings().model_fields_set:
        return settings
    recorded = built_from(Path(settings.index))
    return settings.model_copy(update={"corpus": recorded}) if recorded is not None else settings


def cmd_index(args: argparse.Namespace) -> int:
    from indexer.index.build import BuildLocked

    settings = own_corpus(settings_from(args), args)
    try:
        # an unchanged corpus publishes no new version: a scheduled reindex does not reload every server
        done = rebuild_from(settings, full=args.full, progress=not args.quiet, skip_unchanged=not args.full)
    except UsageError:
        raise
    except BuildLocked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # disk full, unreadable cache, encoder failure: say so, keep CURRENT
        print(f"error: the build failed ({type(exc).__name__}: {exc}); the served index is unchanged", file=sys.stderr)
        return 4
    print(index_summary(done, args.json))
    if args.watch:
        from service.watch import watch_corpus

        def again() -> None:
            print(index_summary(rebuild_from(settings, progress=not args.quiet, wait=True, skip_unchanged=True), False))

        watch_corpus(settings, again)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Store files (or folders of them) in the corpus with their detected metadata, then build once."""
    from tqdm import tqdm

    from indexer.index.pair_evidence import import_links
    from indexer.index.snapshot import open_snapshot
    from indexer.ingest.bulk import fill_pairs, format_table, import_files, import_paths
    from indexer.ingest.corpus_files import CorpusStore
    from service.indexing import corpus_catalog

    settings = own_corpus(settings_from(args), args)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    store = CorpusStore(Path(settings.corpus), corpus_catalog(settings))
    follow = bool(getattr(args, "follow_symlinks", False))
    files = import_files(args.paths, follow)
    with tqdm(total=len(files), unit="file", disable=args.quiet or args.json, file=sys.stderr) as bar:
        rows = import_paths(store, args.paths, dry_run=args.dry_run, advance=bar.update, follow_symlinks=follow)
    added = [r for r in rows if r.action == "added"]
    build: dict[str, Any] | None = None
    if added:
        report = run_index(settings, progress=not (args.quiet or args.json))
        build = report.to_dict()
        snapshot = open_snapshot(Path(settings.index))
        evidence, excerpts, supersedes = import_links(snapshot)
        fill_pairs(rows, snapshot.detected_links, snapshot.given_links(), supersedes, evidence, excerpts)
    if args.json:
        print(json.dumps({"dry_run": args.dry_run, "files": [r.to_dict() for r in rows], "build": build}, indent=2))
    else:
        print(format_table(rows))
        if build is not None:
            print(f"\nbuilt {build['version']}: {build['documents']} documents")
        elif args.dry_run:
            print("\ndry run: nothing was stored or built (pairs are found by the build)")
    return 1 if any(r.action == "refused" for r in rows) else 0
