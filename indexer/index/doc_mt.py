"""Index-time machine translation of passages (Apertium), stored in the snapshot and indexed for BM25.

Every passage gets a translation into the other language, not only those without a human twin:
the translation depends on the passage's text alone (so it is reused by text across builds, and a
link that appears, changes or goes away never asks for a new one), and search uses it only where
a search is truly cross-language (indexer.retrieval.crosslang), where a twin's evidence already wins.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from indexer.index import snapshot_files as snap
from indexer.index.embcache import text_key
from indexer.index.lexical import build_translated, extend_translated
from indexer.translate import DATADIR, PAIRS, Pipe, parse
from indexer.types import Passage

log = logging.getLogger(__name__)

DIR = "doc_mt"  # the tantivy index of the translations, inside the snapshot
FILE = "doc_mt.jsonl"  # one row per translated passage: pid, source text key, target language, text
FORMAT = {"engine": "tantivy", "key": "pid", "fields": ["pid", "doc_id", "text_en", "text_es"], "kind": "full"}
# a superblank: Apertium passes it through untouched, so one write carries many passages
SEP = "[<bnc-passage/>]"
BATCH_WORDS = 1500
TIMEOUT_S = 5.0  # per batch, plus TIMEOUT_PER_WORD_S for each word in it
TIMEOUT_PER_WORD_S = 0.002
MAX_TIMEOUT_S = 30.0  # no batch waits longer: its passages are then published untranslated (manifest: untranslated)
MEMO_SIZE = 50_000
OTHER = {"en": "es", "es": "en"}
INSTALL_HINT = "install Debian's apertium and apertium-eng-spa (.ci/apertium-setup.sh) to translate passages at build"


class DocTranslator:
    """Full Apertium translation of passages, one persistent pipeline per direction, batched and bounded
    by a timeout; a bounded in-process memo by text means repeated builds translate nothing twice."""

    def __init__(
        self,
        datadir: Path = DATADIR,
        timeout_s: float = TIMEOUT_S,
        memo_size: int = MEMO_SIZE,
        per_word_s: float = TIMEOUT_PER_WORD_S,
    ) -> None:
        self.datadir = datadir
        self.timeout_s = timeout_s
        self.per_word_s = per_word_s
        self.memo_size = memo_size
        self._pipes: dict[str, Pipe] = {}
        self._memo: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._available: bool | None = None
        self._identity: dict[str, Any] | None = None
        self.stop: Callable[[], bool] | None = None  # a build's cancel: ends the running batch within half a second

    def available(self) -> bool:
        """Whether Apertium and both modes are installed; says so once when they are not."""
        if self._available is None:
            from shutil import which

            modes = [self.datadir / "modes" / f"{p}.mode" for p in PAIRS.values()]
            missing = [str(m) for m in modes if not m.is_file()] + ([] if which("lt-proc") else ["lt-proc"])
            self._available = not missing
            if missing:
                log.warning("document translation off: %s not found; %s", ", ".join(missing), INSTALL_HINT)
        return self._available

    def identity(self) -> dict[str, Any]:
        """What the manifest records: a different identity means the stored translations are not reused."""
        if self._identity is None:
            digest = hashlib.sha256()
            for pair in sorted(PAIRS.values()):
                digest.update((self.datadir / "modes" / f"{pair}.mode").read_bytes())
            self._identity = {
                "engine": "apertium",
                "package": _package_version("apertium-eng-spa"),
                "pairs": {f"{s}-{t}": p for (s, t), p in sorted(PAIRS.items())},
                "kind": "full",
                "modes_sha256": digest.hexdigest()[:16],
            }
        return self._identity

    def translate(
        self, texts: Sequence[str], source: str, progress: Callable[[int], object] | None = None
    ) -> list[tuple[str, float]]:
        """`texts` (all in `source`) in the other language, in order, each with the share of its words
        the translator knew; ("", 0.0) where translation failed."""
        target = OTHER[source]
        out = [self._memo.get((source, text_key(t))) for t in texts]
        todo = [i for i, t in enumerate(out) if t is None]
        if progress and len(todo) < len(texts):
            progress(len(texts) - len(todo))
        for batch in _batches([texts[i] for i in todo], BATCH_WORDS):
            done = self._batch([texts[todo[i]] for i in batch], PAIRS[(source, target)])
            for i, translated in zip(batch, done, strict=True):
                out[todo[i]] = translated
                self._remember(source, texts[todo[i]], translated)
            if progress:
                progress(len(batch))
        return [t or ("", 0.0) for t in out]

    def _batch(self, texts: list[str], pair: str) -> list[tuple[str, float]]:
        pipe = self._pipes.get(pair)
        if pipe is None:
            pipe = self._pipes.setdefault(pair, Pipe(pair, self.datadir, self.timeout_s))
        pipe.stop = self.stop
        words = sum(len(t.split()) for t in texts)
        pipe.timeout_s = min(MAX_TIMEOUT_S, self.timeout_s + self.per_word_s * words)
        try:
            parts = pipe.translate_many(texts, SEP)
        except (OSError, TimeoutError) as exc:
            if len(texts) > 1 and not isinstance(exc, TimeoutError):
                return [t for text in texts for t in self._batch([text], pair)]  # one by one, once
            log.warning("document translation %s failed for %d passages: %s", pair, len(texts), exc)
            return [("", 0.0)] * len(texts)
        return [parse(p) for p in parts]

    def _remember(self, source: str, text: str, translation: tuple[str, float]) -> None:
        if not translation[0]:
            return  # a failure is retried by the next build
        with self._lock:
            self._memo[(source, text_key(text))] = translation
            while len(self._memo) > self.memo_size:
                self._memo.popitem(last=False)

    def close(self) -> None:
        for pipe in list(self._pipes.values()):
            pipe.close()


def _package_version(package: str) -> str | None:
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _batches(texts: Sequence[str], max_words: int) -> list[list[int]]:
    out: list[list[int]] = [[]]
    words = 0
    for i, text in enumerate(texts):
        n = len(text.split())
        if out[-1] and words + n > max_words:
            out.append([])
            words = 0
        out[-1].append(i)
        words += n
    return [b for b in out if b]


@lru_cache(maxsize=1)
def default_doc_translator() -> DocTranslator:
    """The process-wide document translator: its pipelines start on first use."""
    return DocTranslator()


@dataclass
class StoredTranslations:
    """The previous snapshot's translations, by (source text key, target language)."""

    identity: dict[str, Any] | None
    texts: dict[tuple[str, str], tuple[str, float]]  # (text, share of words the translator knew)
    path: Path | None  # its doc_mt index, when it has one


def load_stored(snapshot: Path | None) -> StoredTranslations:
    if snapshot is None or not (snapshot / FILE).is_file():
        return StoredTranslations(None, {}, None)
    try:
        entry = snap.read_manifest(snapshot, verify=False).get("doc_mt") or {}
    except snap.SnapshotError:
        return StoredTranslations(None, {}, None)
    texts = {(r["key"], r["lang"]): (r["text"], float(r.get("known", 1.0))) for r in snap.iter_jsonl(snapshot / FILE)}
    index = snapshot / DIR if entry.get("format") == FORMAT and (snapshot / DIR).is_dir() else None
    return StoredTranslations(entry.get("translator"), texts, index)


def translate_passages(
    passages: Sequence[Passage],
    staging: Path,
    previous: Path | None,
    translator: DocTranslator | None,
    extend: set[str] | None = None,
    progress: Callable[[int], object] | None = None,
    stop: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Translate every passage into the other language (reusing the previous snapshot's translations),
    write FILE and the DIR index into `staging`, and return the manifest's "doc_mt" entry.

    `extend`: the doc_ids whose passages are new since `previous` when the build only adds; the
    previous DIR index is then extended in place of a rebuild. Without Apertium nothing is written.
    `stop` (a build's cancel) ends a running batch within half a second; `progress` then raises."""
    if translator is None or not translator.available():
        return {"available": False, "reason": "apertium not installed" if translator else "off"}
    translator.stop = stop
    try:
        started = time.perf_counter()
        identity = translator.identity()
        stored = load_stored(previous)
        known = stored.texts if stored.identity == identity else {}
        keys = [(text_key(p.text), OTHER[p.lang]) for p in passages]
        texts = [known.get(k) for k in keys]
        for source in ("en", "es"):
            todo = [i for i, p in enumerate(passages) if texts[i] is None and p.lang == source]
            for i, text in zip(
                todo, translator.translate([passages[i].text for i in todo], source, progress), strict=True
            ):
                texts[i] = text
    finally:
        translator.stop = None
    rows = [
        {"pid": p.passage_id, "doc_id": p.doc_id, "key": k[0], "lang": k[1], "text": t[0], "known": t[1]}
        for p, k, t in zip(passages, keys, texts, strict=True)
        if t and t[0]
    ]
    snap.write_jsonl(staging / FILE, rows)
    reuse_index = stored.path if known and extend is not None else None
    if reuse_index is not None:
        assert extend is not None
        # new documents, and passages whose translation failed last time
        add = [r for r in rows if r["doc_id"] in extend or (r["key"], r["lang"]) not in known]
        extend_translated(reuse_index, staging / DIR, add)
    else:
        build_translated(rows, staging / DIR)
    missing = [p.passage_id for p, t in zip(passages, texts, strict=True) if not t or not t[0]]
    return {
        "available": True,
        "translator": identity,
        "format": FORMAT,
        "index": DIR,
        "file": FILE,
        "covers": "every passage, into the other language",
        "passages": len(rows),
        "untranslated": missing[:100],
        "untranslated_count": len(missing),
        "reused": sum(1 for k in keys if k in known),
        "seconds": round(time.perf_counter() - started, 3),
    }


def translations_of(passages: Sequence[Passage], translator: DocTranslator) -> dict[str, str]:
    """Each passage's translation into the other language by passage id, without a snapshot (the
    pairing evaluation, tests); passages the translator could not do are left out."""
    out: dict[str, str] = {}
    for source in ("en", "es"):
        part = [p for p in passages if p.lang == source]
        for p, (text, _known) in zip(part, translator.translate([p.text for p in part], source), strict=True):
            if text:
                out[p.passage_id] = text
    return out


class StoredTexts:
    """One snapshot's passage translations by passage id, read from FILE on first use (an unofficial
    machine translation of a hit then needs no translator at query time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, tuple[str, str, float]] | None = None
        self._lock = threading.Lock()

    def get(self, passage_id: str) -> tuple[str, str, float] | None:
        """(target language, text, share of words known) of the passage's translation, or None."""
        with self._lock:
            if self._rows is None:
                rows = snap.iter_jsonl(self.path)
                self._rows = {r["pid"]: (r["lang"], r["text"], float(r.get("known", 1.0))) for r in rows}
        return self._rows.get(passage_id)

    def text(self, passage_id: str) -> str | None:
        """The passage's translated text, or None."""
        found = self.get(passage_id)
        return found[1] if found else None
