"""Admin API keys: from BNC_API_KEYS or a secrets file; compared in constant time; never logged."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from service.config import Settings

ENABLE_HINT = "admin routes are disabled: set BNC_API_KEYS (comma-separated) or BNC_API_KEYS_FILE to enable them"


def load_api_keys(settings: Settings) -> tuple[str, ...]:
    keys = list(settings.api_key_list)
    if settings.api_keys_file:
        keys += [line.strip() for line in settings.api_keys_file.read_text("utf-8").splitlines()]
    return tuple(k for k in keys if k and not k.startswith("#"))


async def require_admin(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    keys: tuple[str, ...] = request.app.state.api_keys
    if not keys:
        raise HTTPException(403, ENABLE_HINT)
    if not x_api_key:
        raise HTTPException(401, "this route needs an admin key in the X-API-Key header")
    given = x_api_key.encode()
    # check every key so timing does not reveal which one (or how much of one) matched
    matched = [hmac.compare_digest(given, k.encode()) for k in keys]
    if not any(matched):
        raise HTTPException(401, "the X-API-Key header does not hold a valid admin key")


AdminDep = Annotated[None, Depends(require_admin)]
