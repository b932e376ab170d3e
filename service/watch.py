"""`bnc index --watch`: rebuild after changes in the corpus folder settle."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from indexer.ingest.readers import SUPPORTED_SUFFIXES
from service.config import Settings


def _relevant(path: str) -> bool:
    name = Path(path).name
    return not name.startswith(".") and (Path(path).suffix.lower() in SUPPORTED_SUFFIXES or name.endswith(".meta.yaml"))


def watch_corpus(settings: Settings, rebuild: Callable[[], None], stop_event: object | None = None) -> None:
    """Block, calling `rebuild` after each settled batch of changes to corpus files."""
    from watchfiles import watch

    print(f"watching {settings.corpus} for changes (Ctrl-C to stop)", file=sys.stderr)
    for changes in watch(
        settings.corpus,
        debounce=settings.watch_debounce_ms,
        step=200,
        watch_filter=lambda _change, path: _relevant(path),
        stop_event=stop_event,  # type: ignore[arg-type]
    ):
        print(f"{len(changes)} change(s) in the corpus; reindexing", file=sys.stderr)
        try:
            rebuild()
        except Exception as exc:  # a bad file or a held lock must not end the watch
            print(f"error: reindex failed: {exc}", file=sys.stderr)
