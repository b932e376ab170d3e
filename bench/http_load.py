"""HTTP search at fixed concurrency against a real `bnc serve`: QPS, latency percentiles, RSS.

Usage: python -m bench.http_load --index DIR [--concurrency 1,8,32] [--seconds 15] [--workers 1]
Load comes from Debian's `wrk` when it is on PATH (a C load generator: it takes little CPU from
the 2 cores the server also runs on), else from an async httpx client. Requests are
GET /api/search?q=...&k=10 (hybrid) over distinct real questions, in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psutil

from bench.queries import query_set
from bench.rss import mb
from bench.table import markdown_table, percentile

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JSON {\\"requests\\": %%d, \\"errors\\": %%d, \\"non2xx\\": %%d, \\"seconds\\": %%f, ",
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6))
  io.write(string.format("\\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f}\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    index: Path | None, workers: int = 1, timeout: float = 600, encoder: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """`bnc serve` on a free loopback port; returns when /readyz says ready."""
    port = free_port()
    # every request encodes its query (no query-vector LRU), so repeated targets cost what new ones do
    env = {"BNC_QUERY_VECTORS": "0", **os.environ, "BNC_LOG_LEVEL": "warning"}
    if index:
        env["BNC_RECONCILE_ON_START"] = "false"  # serve the index as built, not a rebuild from ./corpus
    if encoder:
        env["BNC_ENCODER"] = encoder
    cmd = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)]
    if index:
        cmd += ["--index", str(index)]
    proc = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("server did not become ready")


def tree_rss(pid: int) -> int:
    """RSS of the server and its worker processes."""
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes."""
    root = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [root, *root.children(recursive=True)])


def paths(queries: list[str]) -> list[str]:
    return [f"/api/search?{urlencode({'q': q, 'k': 10})}" for q in queries]


def wrk_run(url: str, targets: list[str], clients: int, seconds: float) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT % ", ".join(json.dumps(p) for p in targets))
        script = fh.name
    try:
        cmd = [
            "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
        ]
        out = subprocess.run([*cmd, "-s", script, url], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    match = re.search(r"^JSON (.*)$", out, re.MULTILINE)
    if not match:
        raise RuntimeError(f"unexpected wrk output: {out}")
    res = json.loads(match.group(1))
    return {
        "requests": res["requests"],
        "errors": res["errors"] + res["non2xx"],
        "qps": round(res["requests"] / res["seconds"], 1),
        "p50_ms": round(res["p50"], 2),
        "p95_ms": round(res["p95"], 2),
        "p99_ms": round(res["p99"], 2),
    }


async def _client(http: httpx.AsyncClient, targets: list[str], n: int, until: float, lat: list[float]) -> int:
    errors, i = 0, n
    while time.monotonic() < until:
        t0 = time.perf_counter()
        try:
            if (await http.get(targets[i % len(targets)])).status_code != 200:
                errors += 1
        except httpx.HTTPError:
            errors += 1
        lat.append((time.perf_counter() - t0) * 1000)
        i += 1
    return errors


async def _httpx_load(url: str, targets: list[str], clients: int, seconds: float) -> tuple[list[float], int, float]:
    lat: list[float] = []
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        t0 = time.perf_counter()
        until = time.monotonic() + seconds
        errors = await asyncio.gather(*(_client(http, targets, n, until, lat) for n in range(clients)))
        return lat, sum(errors), time.perf_counter() - t0


def httpx_run(url: str, targets: list[str], clients: int, seconds: float) -> dict[str, Any]:
    lat, errors, wall = asyncio.run(_httpx_load(url, targets, clients, seconds))
    return {"requests": len(lat), "errors": errors, "qps": round(len(lat) / wall, 1)} | {
        f"p{q}_ms": round(percentile(lat, q / 100), 2) for q in (50, 95, 99)
    }


def measure(
    index: Path | None,
    concurrency: list[int],
    seconds: float,
    workers: int = 1,
    n_queries: int = 200,
    encoder: str | None = None,
) -> dict[str, Any]:
    """QPS and latency per concurrency level, and the server's CPU time per request (which a
    busy machine distorts far less than QPS)."""
    targets = paths(query_set(n_queries))
    tool = "wrk" if shutil.which("wrk") else "httpx"
    load = wrk_run if tool == "wrk" else httpx_run
    proc, url = start_server(index, workers, encoder=encoder)
    try:
        rest = tree_rss(proc.pid)
        load(url, targets[-20:], max(concurrency), min(seconds, 5))  # warm the thread pool and caches
        runs = []
        for clients in concurrency:
            cpu = tree_cpu(proc.pid)
            run = load(url, targets, clients, seconds)
            run["cpu_ms_per_request"] = round((tree_cpu(proc.pid) - cpu) * 1000 / max(run["requests"], 1), 2)
            runs.append({"clients": clients} | run)
        after = tree_rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return {"tool": tool, "workers": workers, "encoder": encoder, "seconds": seconds, "runs": runs} | {
        "rss_mb": {"at_rest": mb(rest), "after_load": mb(after)}
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.index, [int(c) for c in args.concurrency.split(",")], args.seconds, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    headers = ["clients", "requests", "errors", "QPS", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/request"]
    fields = ["clients", "requests", "errors", "qps", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_request"]
    rows = [[r[f] for f in fields] for r in result["runs"]]
    print(markdown_table(headers, rows))
    print(f"load: {result['tool']}, workers: {args.workers}, server RSS {result['rss_mb']}")


if __name__ == "__main__":
    main()
