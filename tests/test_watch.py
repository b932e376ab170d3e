"""`bnc index --watch`: a settled change in the corpus folder triggers one rebuild."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from service.config import Settings
from service.watch import watch_corpus

pytestmark = pytest.mark.slow  # file watcher with debounce


def test_watch_rebuilds_after_changes_settle(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "en").mkdir(parents=True)
    stop = threading.Event()
    calls: list[float] = []

    def rebuild() -> None:
        calls.append(time.monotonic())
        stop.set()

    settings = Settings(corpus=corpus, watch_debounce_ms=300)
    watcher = threading.Thread(target=watch_corpus, args=(settings, rebuild, stop), daemon=True)
    watcher.start()
    time.sleep(0.5)
    (corpus / "en" / "notes.tmp").write_text("ignored: not a corpus file type")
    for i in range(3):  # a burst of writes is one change batch
        (corpus / "en" / "new.md").write_text(f"---\nlang: en\n---\nVersion {i} of a note.\n")
        time.sleep(0.05)
    watcher.join(timeout=20)
    assert not watcher.is_alive() and len(calls) == 1
