"""`bnc serve --workers N`: accepted connections get TCP_NODELAY, workers answer, and stop with their supervisor."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import psutil
import pytest

from indexer.encoders import Encoder
from service.serving import tcp_listener
from tests.helpers import LiveServer, built_copy


async def _nodelay_of_accepted(sock: socket.socket) -> int:
    """TCP_NODELAY on the server side of one connection accepted by asyncio from `sock`."""
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
    try:
        port = sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(seen, 10)
        writer.close()
        return value
    finally:
        server.close()
        await server.wait_closed()


def test_connections_accepted_from_the_worker_listener_get_tcp_nodelay() -> None:
    assert asyncio.run(_nodelay_of_accepted(tcp_listener("127.0.0.1", 0))) == 1


def test_a_listener_bound_without_the_tcp_protocol_loses_nodelay() -> None:
    """What uvicorn's own pre-bound socket does (proto 0): the reason tcp_listener exists."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert plain.proto == 0
    assert asyncio.run(_nodelay_of_accepted(plain)) == 0


@pytest.mark.slow
def test_two_worker_processes_serve_searches_on_kept_alive_connections(
    tmp_path: Path, index_dir: Path, encoder: Encoder
) -> None:
    corpus, index = built_copy(tmp_path, index_dir, encoder)
    server = LiveServer(index, corpus, args=("--workers", "2"))
    server.start(timeout=180)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for q in ("border crossing cards", "tarjetas de cruce", "consular protection"):
                r = http.get("/api/search", params={"q": q, "k": 3})
                assert r.status_code == 200 and r.json()["hits"], r.text
        assert server.proc is not None
        workers = [p for p in psutil.Process(server.proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2
        server.kill()  # SIGKILL: the supervisor gets no chance to stop its workers
        _, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive, "workers kept serving after their supervisor was killed"
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{server.url}/readyz", timeout=5)
    finally:
        server.stop()
