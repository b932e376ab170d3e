"""Offline translation with Apertium: one persistent null-flush pipeline per direction and kind, cached.

Two kinds: "lexical" stops the Apertium mode after lexical selection and returns the chosen
target lemma of each word (what BM25 needs, in a third of the stages: fast enough per query);
"full" runs the whole mode (transfer and generation) for text a person reads."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

PAIRS = {("en", "es"): "eng-spa", ("es", "en"): "spa-eng"}
DATADIR = Path(os.environ.get("BNC_APERTIUM_DATA", "/usr/share/apertium"))
TIMEOUT_S = 2.0
CACHE_SIZE = 4096
CHUNK_BYTES = 16384  # written to Apertium between reads of its output
INSTALL_HINT = "install Debian's apertium and apertium-eng-spa (.ci/apertium-setup.sh) to translate queries"
# programs of an Apertium mode that take -z (flush on NUL): the whole pipe then answers each
# NUL-terminated query at once instead of waiting for end of input
_NULL_FLUSH = {
    "lt-proc",
    "apertium-tagger",
    "apertium-pretransfer",
    "apertium-transfer",
    "lrx-proc",
    "apertium-interchunk",
    "apertium-postchunk",
    "cg-proc",
    "vislcg3",
}
# the stream format's reserved characters (and the translator's own marks) never reach it
_RESERVED = re.compile(r"[\[\]^$/\\@<>{}*#\x00-\x1f]")
_TAGS = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_][\w.'’-]*")
# an unknown word that starts with a capital or a digit is most likely a name or a number: it
# passes through untranslated and still matches, so it does not make the translation less reliable
_UNKNOWN = re.compile(r"(?<!\w)[*#@](?=[^\W\d_])(?![A-ZÁÉÍÓÚÑÜ])")


@dataclass(frozen=True)
class Translation:
    """A machine translation of a query: `known` is the share of its words the translator knew."""

    source: str
    target: str
    text: str
    known: float
    glossary: tuple[str, ...] = ()  # target-language forms taken from the glossary, not the translator


def pipeline(pair: str, datadir: Path = DATADIR, lexical: bool = False) -> str:
    """The shell pipeline of an installed Apertium mode, every stage in null-flush mode; `lexical`
    stops it after lexical selection (lrx-proc), or after the bilingual lookup (lt-proc -b)."""
    mode = (datadir / "modes" / f"{pair}.mode").read_text("utf-8").strip()
    stages = []
    argvs = [shlex.split(stage.replace("$1", "-g").replace("$2", "")) for stage in mode.split("|")]
    if lexical:
        names = [Path(a[0]).name if a else "" for a in argvs]
        last = max((i for i, n in enumerate(names) if n == "lrx-proc"), default=None)
        if last is None:
            last = max((i for i, a in enumerate(argvs) if names[i] == "lt-proc" and "-b" in a), default=len(argvs) - 1)
        argvs = argvs[: last + 1]
    for argv in argvs:
        if argv and Path(argv[0]).name in _NULL_FLUSH and "-z" not in argv:
            argv.insert(1, "-z")
        stages.append(shlex.join(argv))
    return " | ".join(stages)


def parse_lexical(raw: str, alternatives: bool = False) -> tuple[str, float]:
    """Target lemmas of a lexical-selection stream (`^src<tags>/tgt<tags>/alt...$`), and the share
    of words the translator knew; a word it did not know is kept as it is (names, numbers).
    `alternatives` keeps every translation the dictionary offers, not only the chosen one."""
    lemmas, words, unknown = [], 0, 0
    for unit in re.findall(r"\^(.*?)\$", raw):
        source, _, targets = unit.partition("/")
        src = _TAGS.sub("", source).replace("#", " ").strip()
        if source.startswith("*"):
            src = src[1:]
            missing = True
        else:
            first = targets.split("/")[0]
            lemma = _TAGS.sub("", first).replace("#", " ").strip()
            if not lemma:
                continue  # a word the translation drops (an auxiliary "do")
            missing = lemma[0] in "@#*"
            src = src if missing else lemma
        if not any(c.isalnum() for c in src):
            continue  # punctuation
        words += 1
        unknown += missing and not (src[:1].isupper() or src[:1].isdigit())
        lemmas.append(src.lstrip("@#*"))
        if alternatives and not missing:
            for alt in targets.split("/")[1:]:
                extra = _TAGS.sub("", alt).replace("#", " ").strip()
                if extra and extra[0] not in "@#*" and extra != lemma:
                    lemmas.append(extra)
    return " ".join(lemmas), (1.0 if words == 0 else round(1.0 - unknown / words, 4))


def parse(raw: str) -> tuple[str, float]:
    """Translator output without its marks, and the share of words not marked unknown (*, #, @)."""
    words = _WORD.findall(raw.replace("*", " *").replace("#", " #").replace("@", " @"))
    unknown = len(_UNKNOWN.findall(raw))
    total = max(len(words), unknown)
    text = re.sub(r"\s+", " ", re.sub(r"[*#@]", "", raw)).strip()
    return text, (1.0 if total == 0 else round(1.0 - unknown / total, 4))


class Pipe:
    """One running Apertium pipeline for one direction; restarted after a timeout or a crash."""

    def __init__(
        self,
        pair: str,
        datadir: Path = DATADIR,
        timeout_s: float = TIMEOUT_S,
        command: str | None = None,
        lexical: bool = False,
    ) -> None:
        """command: the shell pipeline to run (default: the installed mode of `pair`)."""
        self.command = command or pipeline(pair, datadir, lexical)
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        self.stop: Callable[[], bool] | None = None  # asked twice a second during a call: True ends it (a cancel)

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                ["bash", "-c", self.command],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # one process group: close() ends every stage
            )
        return self.proc

    def translate(self, text: str) -> str:
        """Translate one line; raises TimeoutError or OSError (and stops the pipe) when it fails."""
        clean = re.sub(r"\s+", " ", _RESERVED.sub(" ", text)).strip()
        if not clean:
            return ""
        out = self._call(clean.encode("utf-8") + b"[][\n]\0")
        return out.decode("utf-8", "replace").replace("[][\n]", " ").strip()

    def translate_many(self, texts: Sequence[str], sep: str) -> list[str]:
        """Translate several texts in one write, joined by the superblank `sep` (which Apertium passes
        through); raises TimeoutError or OSError like `translate`, and OSError when the parts do not
        come back one for one."""
        clean = [re.sub(r"\s+", " ", _RESERVED.sub(" ", t)).strip() for t in texts]
        out = self._call(sep.join(clean).encode("utf-8") + b"[][\n]\0")
        parts = out.decode("utf-8", "replace").replace("[][\n]", " ").split(sep)
        if len(parts) != len(texts):
            raise OSError(f"apertium returned {len(parts)} parts for {len(texts)} texts")
        return [p.strip() for p in parts]

    def _call(self, payload: bytes) -> bytes:
        with self.lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                return self._exchange(proc.stdin.fileno(), proc.stdout.fileno(), payload)
            except (OSError, TimeoutError):
                self._stop()
                raise

    def _exchange(self, wfd: int, rfd: int, payload: bytes) -> bytes:
        """Write `payload` in chunks while reading the answer up to its NUL, under one deadline.

        Writing everything first would deadlock on a long text: Apertium's output pipe fills while
        its input is still being written. A non-blocking writer and a poll on both ends never block
        longer than the deadline, which then fires whatever the pipeline is doing."""
        deadline = time.monotonic() + self.timeout_s
        os.set_blocking(wfd, False)
        view, sent, buf = memoryview(payload), 0, bytearray()
        poller = select.poll()
        poller.register(rfd, select.POLLIN | select.POLLHUP)
        poller.register(wfd, select.POLLOUT)
        while not buf.endswith(b"\0"):
            if self.stop is not None and self.stop():
                raise TimeoutError("the translation was stopped")
            left = deadline - time.monotonic()
            events = poller.poll(min(left, 0.5) * 1000) if left > 0 else []
            if not events:
                if time.monotonic() < deadline:
                    continue  # only the half-second check of `stop`
                raise TimeoutError(f"apertium did not answer within {self.timeout_s:.1f} s")
            for fd, event in events:
                if fd == wfd:
                    if event & (select.POLLERR | select.POLLHUP):
                        raise OSError("apertium stopped reading")
                    try:
                        sent += os.write(wfd, view[sent : sent + CHUNK_BYTES])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        raise OSError("apertium stopped") from None
                    if sent >= len(payload):
                        poller.unregister(wfd)
                else:
                    chunk = os.read(rfd, 65536)
                    if not chunk:
                        raise OSError("apertium stopped")
                    buf += chunk
        return bytes(buf).rstrip(b"\0")

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def close(self) -> None:
        with self.lock:
            self._stop()


class Translator:
    """EN<->ES translation of short texts; `available()` is False (logged once) without Apertium."""

    def __init__(self, datadir: Path = DATADIR, timeout_s: float = TIMEOUT_S, cache_size: int = CACHE_SIZE) -> None:
        self.datadir = datadir
        self.timeout_s = timeout_s
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, str, str, str], tuple[str, float]] = OrderedDict()
        self._pipes: dict[str, Pipe] = {}
        self._lock = threading.Lock()
        self._available: bool | None = None

    def available(self) -> bool:
        if self._available is None:
            missing = [
                what
                for what in ("lt-proc", *(f"modes/{p}.mode" for p in PAIRS.values()))
                if (shutil.which(what) is None if "/" not in what else not (self.datadir / what).is_file())
            ]
            self._available = not missing
            if missing:
                log.warning("query translation off: %s not found; %s", ", ".join(missing), INSTALL_HINT)
        return self._available

    def cached(self, text: str, source: str, target: str, kind: str = "lexical") -> bool:
        return (kind, source, target, text) in self._cache

    def translate(self, text: str, source: str, target: str, kind: str = "lexical") -> Translation | None:
        """`text` in `target`: kind "lexical" gives the target lemmas (for BM25), "full" a sentence
        (for reading). None when Apertium is missing, the pair is unknown or the translator failed."""
        pair = PAIRS.get((source, target))
        if pair is None or not self.available():
            return None
        key = (kind, source, target, text)
        lexical = kind in ("lexical", "alternatives")
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return Translation(source, target, *hit)
            name = f"{pair}:{'lexical' if lexical else kind}"
            pipe = self._pipes.get(name) or self._pipes.setdefault(
                name, Pipe(pair, self.datadir, self.timeout_s, lexical=lexical)
            )
        try:
            raw = pipe.translate(text)
            out, known = parse_lexical(raw, kind == "alternatives") if lexical else parse(raw)
        except (OSError, TimeoutError) as exc:
            log.warning("query translation %s failed: %s", pair, exc)
            return None
        with self._lock:
            self._cache[key] = (out, known)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return Translation(source, target, out, known)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        for pipe in list(self._pipes.values()):
            pipe.close()


@lru_cache(maxsize=1)
def default_translator() -> Translator:
    """The process-wide translator: its pipelines start on first use, not at import."""
    return Translator()
