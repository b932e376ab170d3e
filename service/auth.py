"""Admin API keys: from BNC_API_KEYS or a secrets file; compared in constant time; never logged."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from service.config import Settings
from service.errors import ApiError

ENABLE_HINT = "admin routes are disabled: set BNC_API_KEYS (comma-separated) or BNC_API_KEYS_FILE to enable them"


def load_api_keys(settings: Settings) -> tuple[str, ...]:
    keys = list(settings.api_key_list)
    if settings.api_keys_file:
        keys += [line.strip() for line in settings.api_keys_file.read_text("utf-8").splitlines()]
    return tuple(k for k in keys if k and not k.startswith("#"))


# an OpenAPI security scheme: Swagger's Authorize button sends it, generated clients know which routes need it
ADMIN_KEY = APIKeyHeader(
    name="X-API-Key",
    scheme_name="AdminKey",
    description="one of the keys in BNC_API_KEYS or BNC_API_KEYS_FILE; admin routes only",
    auto_error=False,  # a missing key is answered by require_admin with its own code (api_key_missing)
)


async def require_admin(request: Request, x_api_key: Annotated[str | None, Security(ADMIN_KEY)] = None) -> None:
    keys: tuple[str, ...] = request.app.state.api_keys
    if not keys:
        raise ApiError("admin_disabled")
    if not x_api_key:
        raise ApiError("api_key_missing", field="X-API-Key")
    given = x_api_key.encode()
    # check every key so timing does not reveal which one (or how much of one) matched
    matched = [hmac.compare_digest(given, k.encode()) for k in keys]
    if not any(matched):
        raise ApiError("api_key_invalid", field="X-API-Key")


AdminDep = Annotated[None, Depends(require_admin)]
