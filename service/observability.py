"""Structured JSON logs with request ids, and Prometheus metrics for requests, index and builds."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("bnc.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any structured extras."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update(getattr(record, "fields", {}))
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def configure_logging(level: str = "info") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # replaced by bnc.access lines
    # libraries' loader chatter ("Loading faiss with AVX2 support", "Successfully loaded …") is not news
    # at info level: shown only when the operator asks for debug
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING if root.level > logging.DEBUG else logging.DEBUG)


QUIET_LOGGERS = ("faiss", "faiss.loader", "httpx", "mcp.server.lowlevel.server")


class Metrics:
    """A registry per app, so several apps in one process (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # process_* (memory, CPU, open files: Linux /proc), python_info and python_gc_* next to the request metrics
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter("bnc_requests", "HTTP requests", ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "bnc_request_seconds",
            "HTTP request latency",
            ["route"],
            buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
            registry=self.registry,
        )
        self.index_info = Gauge("bnc_index_info", "Served index version (value 1)", ["version"], registry=self.registry)
        self.documents = Gauge("bnc_index_documents", "Documents in the served index", registry=self.registry)
        self.passages = Gauge("bnc_index_passages", "Passages in the served index", registry=self.registry)
        self.build_seconds = Histogram(
            "bnc_build_seconds", "Index build duration", buckets=(1, 5, 15, 60, 300, 1800), registry=self.registry
        )
        self.builds = Counter("bnc_builds", "Index builds", ["outcome"], registry=self.registry)


class RequestContextMiddleware:
    """Request id in and out, one access log line and metrics per request (pure ASGI: no buffering)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            # label values come from a fixed set: any method token a client invents would otherwise
            # add series to the registry forever
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(route).observe(elapsed)
            fields = {
                "request_id": request_id,
                "method": scope["method"][:16],
                "route": route,
                "path": scope["path"],
                "status": status,
                "ms": round(elapsed * 1000, 2),
            }
            access_log.info("request", extra={"fields": fields})
