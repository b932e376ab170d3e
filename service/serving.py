"""Run the app under uvicorn: one process, or N worker processes sharing one TCP_NODELAY listener."""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
from typing import Any

from service.config import Settings
from service.supervisor import SUPERVISOR_ENV

log = logging.getLogger("bnc.serve")


def tcp_listener(host: str, port: int) -> socket.socket:
    """A bound, inheritable TCP listening socket whose accepted connections get TCP_NODELAY.

    uvicorn's own pre-bound socket (used for --workers > 1) leaves `proto` at 0; accepted
    sockets inherit it, and asyncio only sets TCP_NODELAY when proto is IPPROTO_TCP. Nagle's
    algorithm then holds each response body behind the client's delayed ACK: about 40 ms per
    keep-alive request on Linux (measured: 52 ms against 9 ms per search; Kludex/uvicorn#3149).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def listen_or_exit(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is loaded: a busy port fails at once, in plain words."""
    try:
        return tcp_listener(host, port)
    except OSError as exc:
        reason = "is already in use (another server?)" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc})"
        print(f"error: {host}:{port} {reason}; choose another with --port", file=sys.stderr)
        sys.exit(3)


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted; SIGTERM stops accepting and lets in-flight requests finish."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from service.app import create_app

    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,  # keep the JSON logging already configured
        "access_log": False,
        "timeout_graceful_shutdown": 30,
    }
    if workers <= 1:
        sock = listen_or_exit(host, port)  # before the lifespan loads the encoder and the index
        log.info("serving on http://%s:%d", host, sock.getsockname()[1])
        uvicorn.Server(uvicorn.Config(create_app(settings), **common)).run(sockets=[sock])
        return
    # each worker process imports the factory and reads its settings from the environment
    os.environ.update({"BNC_INDEX": str(settings.index), "BNC_CORPUS": str(settings.corpus)})
    os.environ["BNC_ENCODER"] = settings.encoder
    os.environ.update({"BNC_BACKEND": settings.backend, "BNC_MILVUS_URI": settings.milvus_uri})
    os.environ[SUPERVISOR_ENV] = str(os.getpid())
    config = uvicorn.Config("service.app:create_app", factory=True, workers=workers, **common)
    sock = listen_or_exit(host, port)
    log.info("serving on http://%s:%d with %d worker processes", host, sock.getsockname()[1], workers)
    Multiprocess(config, sockets=[sock]).run()
