"""Admin API keys: from BNC_API_KEYS or a secrets file; compared in constant time; never logged."""

from __future__ import annotations

import hmac
import math
import threading
import time
from collections import OrderedDict, deque
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

MAX_FAILED_KEYS = 20  # wrong admin keys one client may send in FAILED_KEY_WINDOW_S; then 429 until it passes
FAILED_KEY_WINDOW_S = 60.0
MAX_CLIENTS = 10_000  # clients remembered (the oldest forgotten first)


class KeyFailures:
    """Failed admin-key attempts per client address in a sliding window: guessing is slowed to
    MAX_FAILED_KEYS a minute. Behind a proxy every client shares its address, so a guesser
    there also locks out the admins for the rest of the window."""

    def __init__(self, limit: int = MAX_FAILED_KEYS, window_s: float = FAILED_KEY_WINDOW_S) -> None:
        self.limit, self.window_s = limit, window_s
        self._times: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """Seconds before this client may try a key again (0: now)."""
        now = time.monotonic()
        with self._lock:
            times = self._times.get(client)
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if not times or len(times) < self.limit:
                return 0.0
            return times[0] + self.window_s - now

    def failed(self, client: str) -> None:
        with self._lock:
            self._times.setdefault(client, deque()).append(time.monotonic())
            self._times.move_to_end(client)
            while len(self._times) > MAX_CLIENTS:
                self._times.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._times.clear()


def key_failures(request: Request) -> KeyFailures:
    failures: KeyFailures | None = getattr(request.app.state, "key_failures", None)
    if failures is None:
        failures = request.app.state.key_failures = KeyFailures()
    return failures


async def require_admin(request: Request, x_api_key: Annotated[str | None, Security(ADMIN_KEY)] = None) -> None:
    keys: tuple[str, ...] = request.app.state.api_keys
    if not keys:
        raise ApiError("admin_disabled")
    if not x_api_key:
        raise ApiError("api_key_missing", field="X-API-Key")
    failures, client = key_failures(request), request.client.host if request.client else ""
    wait = failures.wait_s(client)
    if wait > 0:  # before the comparison: a right key guessed now would tell nothing either
        seconds = math.ceil(wait)
        raise ApiError("too_many_key_attempts", "X-API-Key", {"Retry-After": str(seconds)}, seconds=seconds)
    given = x_api_key.encode()
    # check every key so timing does not reveal which one (or how much of one) matched
    matched = [hmac.compare_digest(given, k.encode()) for k in keys]
    if not any(matched):
        failures.failed(client)
        raise ApiError("api_key_invalid", field="X-API-Key")


AdminDep = Annotated[None, Depends(require_admin)]
