"""Searches under writes, kill -9s and restarts: failed searches, refused connections and lost writes.

Usage: python -m bench.write_chaos [--clients 16] [--seconds 120] [--kill-every 20] [--workdir DIR]
Copies the bundled corpus and ./index's embedding cache into a work folder, runs `bnc serve`
on a loopback port, and for --seconds: N clients search without pause, one writer adds,
replaces and deletes documents (recording every acknowledged write), and every --kill-every
seconds the server is killed with SIGKILL (or stopped with SIGTERM, alternately) and started
again. At the end it waits for the builds to settle and checks every acknowledged write is in
the corpus and in the index. Connection errors while the server is down are counted apart.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.http_load import free_port
from bench.table import markdown_table, percentile
from indexer.ingest.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
KEY = {"X-API-Key": "chaos-key"}
QUERIES = ["Border Crossing Card", "tarjetas de cruce", "delegations cooperation", "Hague Convention", "aquifer"]
MARKERS = ["aquifer", "cattle", "railway", "pipeline", "orchard", "harbor", "glacier", "quarry"]


class Server:
    def __init__(self, index: Path, corpus: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "BNC_INDEX": str(index),
            "BNC_CORPUS": str(corpus),
            "BNC_API_KEYS": KEY["X-API-Key"],
            "BNC_LOG_LEVEL": "warning",
            "BNC_RELOAD_INTERVAL_S": "0.2",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.up = threading.Event()

    def start(self) -> float:
        started = time.monotonic()
        cmd = [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(cmd, env=self.env, stderr=subprocess.DEVNULL)
        while time.monotonic() - started < 300:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    self.up.set()
                    return time.monotonic() - started
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("the server did not become ready")

    def stop(self, hard: bool) -> None:
        self.up.clear()
        if self.proc is None:
            return
        if hard:
            self.proc.kill()
        else:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def run(clients: int, seconds: float, kill_every: float, workdir: Path, seed: int) -> dict[str, Any]:
    corpus = workdir / "corpus"
    index = workdir / "index"
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus)
    (index / "cache").mkdir(parents=True)
    if (ROOT / "index" / "cache" / "embeddings.sqlite").is_file():
        shutil.copy(ROOT / "index" / "cache" / "embeddings.sqlite", index / "cache" / "embeddings.sqlite")
    env = {**os.environ, "BNC_INDEX": str(index), "BNC_CORPUS": str(corpus)}
    subprocess.run([sys.executable, "-m", "service.cli", "index", "--quiet"], env=env, check=True)
    server = Server(index, corpus)
    server.start()
    stop = threading.Event()
    counts = {"ok": 0, "failed": 0, "refused": 0}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def searcher(n: int) -> None:
        i = n
        with httpx.Client(base_url=server.url, timeout=60) as http:
            while not stop.is_set():
                q = QUERIES[i % len(QUERIES)]
                i += 1
                t0 = time.perf_counter()
                try:
                    res = http.get("/api/search", params={"q": q, "k": 5})
                    kind = "ok" if res.status_code == 200 else "failed"
                    if kind == "failed":
                        failures.append(f"{res.status_code} {res.text[:200]}")
                except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                    # the server was killed under this request, or is still starting
                    kind = "refused" if not server.up.is_set() else "failed"
                    if kind == "failed":
                        failures.append(repr(exc))
                    else:
                        time.sleep(0.05)
                with lock:
                    counts[kind] += 1
                    if kind == "ok":
                        latencies.append((time.perf_counter() - t0) * 1000)

    model: dict[str, str] = {}
    writes = {"acknowledged": 0, "refused_while_down": 0, "rejected": 0}
    rng = random.Random(seed)

    def writer() -> None:
        with httpx.Client(base_url=server.url, headers=KEY, timeout=120) as http:
            while not stop.is_set():
                doc_id = f"chaos-{rng.randrange(12)}"
                marker = rng.choice(MARKERS)
                text = f"Note {doc_id}: the delegations agreed on {marker} cooperation along the border."
                body = {"title": f"Note {doc_id}", "lang": "en", "text": text}
                try:
                    if doc_id in model and rng.random() < 0.4:
                        res = http.delete(f"/api/documents/{doc_id}")
                        if res.status_code == 202:
                            model.pop(doc_id)
                    elif doc_id in model:
                        res = http.put(f"/api/documents/{doc_id}", json=body)
                        if res.status_code == 202:
                            model[doc_id] = marker
                    else:
                        res = http.post("/api/documents", json={**body, "doc_id": doc_id})
                        if res.status_code == 202:
                            model[doc_id] = marker
                    writes["acknowledged" if res.status_code == 202 else "rejected"] += 1
                except httpx.HTTPError:
                    # no reply: the write may or may not have landed; read the truth back from disk
                    writes["refused_while_down"] += 1
                    time.sleep(0.2)
                    on_disk = {d.doc_id: d.body for d in load_corpus(corpus).documents}
                    if doc_id in on_disk:
                        model[doc_id] = next(m for m in MARKERS if m in on_disk[doc_id])
                    else:
                        model.pop(doc_id, None)
                time.sleep(rng.uniform(0.2, 1.0))

    threads = [threading.Thread(target=searcher, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    kills = restarts = 0
    startups: list[float] = []
    t_end = time.monotonic() + seconds
    hard = True
    while time.monotonic() < t_end:
        time.sleep(min(kill_every, max(t_end - time.monotonic(), 0)))
        if time.monotonic() >= t_end:
            break
        server.stop(hard=hard)
        kills += hard
        restarts += 1
        startups.append(server.start())
        hard = not hard
    stop.set()
    for t in threads:
        t.join()

    with httpx.Client(base_url=server.url, headers=KEY, timeout=120) as http:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            builds = http.get("/api/index").json()["builds"]
            if not builds["running"] and not builds["queued"]:
                break
            time.sleep(0.2)
        indexed = {d["doc_id"] for d in http.get("/api/documents").json()["documents"]}
        on_disk = {d.doc_id: d.body for d in load_corpus(corpus).documents}
        lost_corpus = [d for d, m in model.items() if d not in on_disk or m not in on_disk[d]]
        lost_index = [d for d in model if d not in indexed]
        ghosts = [d for d in indexed if d.startswith("chaos-") and d not in model]
    server.stop(hard=False)
    return {
        "clients": clients,
        "seconds": seconds,
        "searches_ok": counts["ok"],
        "searches_failed": counts["failed"],
        "refused_while_down (attempts)": counts["refused"],
        "search_p50_ms": round(percentile(latencies, 0.5), 1) if latencies else None,
        "search_p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "kills": kills,
        "restarts": restarts,
        "startup_p50_s": round(percentile(startups, 0.5), 1) if startups else None,
        "writes_acknowledged": writes["acknowledged"],
        "writes_unanswered_while_down": writes["refused_while_down"],
        "lost_from_corpus": len(lost_corpus),
        "lost_from_index": len(lost_index),
        "deleted_but_indexed": len(ghosts),
        "failures": failures[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--kill-every", type=float, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bnc-chaos-"))
    out = run(args.clients, args.seconds, args.kill_every, workdir, args.seed)
    rows = [[k, v] for k, v in out.items() if k != "failures"]
    print(markdown_table(["measure", "value"], rows))
    for line in out["failures"]:
        print(f"failure: {line}")
    ok = out["searches_failed"] == 0 and not (
        out["lost_from_corpus"] or out["lost_from_index"] or out["deleted_but_indexed"]
    )
    print("verdict:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
