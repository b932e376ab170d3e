"""HTTP load on a real server over the bundled corpus: QPS, latency percentiles, errors, RSS growth.

Usage: python -m bench.load [--clients 32] [--seconds 60] [--url URL]
Without --url it starts `bnc serve` on a free loopback port over ./index (build it first with
`bnc index`), and stops it afterwards. Traffic goes to 127.0.0.1 only; the run is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import httpx
import psutil

from bench.http_load import start_server
from bench.table import markdown_table, percentile

QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/search", {"q": "¿Cuántas tarjetas de cruce fronterizo se emitieron?"}),
    ("GET", "/api/search", {"q": "Border Crossing Card", "doc_lang": "es"}),
    ("GET", "/api/search", {"q": "LIFE Act deadline", "mode": "bm25"}),
    ("POST", "/api/search", {"q": "convención de Viena notificación consular", "k": 20}),
    ("POST", "/api/ask", {"q": "When did the BCC replacement program end?"}),
    ("GET", "/api/search", {"q": "SENTRI", "mode": "dense"}),
]


async def _client(n: int, url: str, until: float, lat: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        i = n
        while time.monotonic() < until:
            method, path, params = QUERIES[i % len(QUERIES)]
            t0 = time.perf_counter()
            try:
                if method == "GET":
                    res = await http.get(path, params=params)
                else:
                    res = await http.post(path, json=params)
                if res.status_code != 200:
                    errors.append(f"{res.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            lat.append((time.perf_counter() - t0) * 1000)
            i += 1


async def _run(url: str, clients: int, seconds: float) -> tuple[list[float], list[str]]:
    lat: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(_client(n, url, until, lat, errors) for n in range(clients)))
    return lat, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before measuring")
    parser.add_argument("--url")
    args = parser.parse_args()
    proc = None
    url = args.url
    if not url:
        proc, url = start_server(None)
    server = psutil.Process(proc.pid) if proc else None
    try:
        # warm-up at full concurrency: the worker thread pool and caches reach their steady size
        # before the RSS baseline is taken, so growth measures the run, not the start
        asyncio.run(_run(url, args.clients, args.warmup))
        rss0 = server.memory_info().rss if server else 0
        t0 = time.perf_counter()
        lat, errors = asyncio.run(_run(url, args.clients, args.seconds))
        wall = time.perf_counter() - t0
        rss1 = server.memory_info().rss if server else 0
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)
    growth = (rss1 - rss0) / rss0 * 100 if rss0 else 0.0
    headers = ["clients", "seconds", "requests", "errors", "QPS", "p50 ms", "p95 ms", "p99 ms", "RSS start MB"]
    headers += ["RSS end MB", "RSS growth"]
    row = [args.clients, f"{wall:.0f}", len(lat), len(errors), f"{len(lat) / wall:.1f}"]
    row += [f"{percentile(lat, q):.1f}" for q in (0.5, 0.95, 0.99)]
    row += [f"{rss0 / 2**20:.0f}", f"{rss1 / 2**20:.0f}", f"{growth:+.1f}%"]
    print(markdown_table(headers, [row]))
    if errors:
        print("errors:", sorted(set(errors))[:10])
        raise SystemExit(1)


if __name__ == "__main__":
    main()
