"""Request-body caps applied before any parsing: public routes take a few KB, document uploads 20 MB."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.error_codes import error_body, pick_lang

PUBLIC_BODY_BYTES = 16 * 1024  # a query of 1,000 characters with every filter is under 2 KB
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one document file
MAX_IMPORT_BYTES = 200 * 1024 * 1024  # one bulk import request (up to 50 files)
FORM_OVERHEAD = 64 * 1024  # form fields and multipart boundaries


def limit_for(method: str, path: str) -> int:
    if method == "POST" and path == "/api/documents/import":
        return MAX_IMPORT_BYTES + FORM_OVERHEAD
    if path.endswith("/refusals"):  # a small JSON body, like the public routes
        return PUBLIC_BODY_BYTES
    if method in ("POST", "PUT") and (path == "/api/documents" or path.startswith("/api/documents/")):
        return MAX_UPLOAD_BYTES + FORM_OVERHEAD
    return PUBLIC_BODY_BYTES


class BodyLimitMiddleware:
    """413 with a JSON body as soon as Content-Length, or the bytes actually received, pass the cap."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["method"], scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit, scope)
            return
        received = 0
        started = refused = False

        async def bounded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # answer now and tell the app the client is gone: whatever it does next
                    # (a parse error, a disconnect) is dropped by tracking_send
                    refused = True
                    if not started:
                        await _refuse(send, limit, scope)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, bounded_receive, tracking_send)


async def _refuse(send: Send, limit: int, scope: Scope) -> None:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    accept = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    explicit = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("error_lang", [None])[0]
    body = json.dumps(error_body("payload_too_large", pick_lang(accept, explicit), None, {"size": size})).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
