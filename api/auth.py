"""Access control: bearer API keys, two roles, and a per-caller rate limit.

In: the request's `Authorization: Bearer <key>` header and the settings' comma-separated
`reader_keys` / `admin_keys`. Out: a `Caller` (role + an identity safe to log) for the
route, or 401 / 403 / 429. Readers may chat and search; admins may also add and delete
documents. With no keys configured every caller is an admin, which is why `serve()`
then binds to 127.0.0.1 only.

Keys are compared with `hmac.compare_digest` against every configured key (no early
exit), and never logged: a caller is known by the first 12 hex digits of its key's
sha256. The rate limit is a token bucket per key (per client IP when no keys are
configured, and for failed attempts): `rate_limit_per_minute` requests, refilled evenly
(0 turns the limit off, e.g. for a load benchmark).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep
from api.errors import Forbidden, RateLimited, Unauthorized
from assistant.config import Settings

Role = Literal["reader", "admin"]


@dataclass(frozen=True)
class Caller:
    role: Role
    identity: str  # "key:<sha256 prefix>" or "ip:<address>"; never the key itself


def parse_keys(csv: str) -> list[str]:
    return [k.strip() for k in (csv or "").split(",") if k.strip()]


def auth_enabled(settings: Settings) -> bool:
    return bool(parse_keys(settings.reader_keys) or parse_keys(settings.admin_keys))


def role_of(token: str, settings: Settings) -> Role | None:
    """The role a presented key grants, comparing against every key in constant time."""
    presented = token.encode()
    role: Role | None = None
    for candidate_role, csv in (("reader", settings.reader_keys), ("admin", settings.admin_keys)):
        for key in parse_keys(csv):
            if hmac.compare_digest(presented, key.encode()):
                role = candidate_role  # admin is checked last, so it wins if a key is in both
    return role


def key_fingerprint(token: str) -> str:
    return "key:" + hashlib.sha256(token.encode()).hexdigest()[:12]


class RateLimiter:
    """Token buckets keyed by caller identity; thread-safe, memory bounded."""

    MAX_BUCKETS = 10_000  # beyond this, buckets that have refilled completely are dropped

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}  # identity -> (tokens, last refill)
        self._lock = threading.Lock()

    def take(self, identity: str, per_minute: int) -> int | None:
        """Spend one token; None if allowed, else the seconds to wait (Retry-After)."""
        if per_minute <= 0:
            return None
        rate = per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(identity, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[identity] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / rate))
            self._buckets[identity] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_BUCKETS:
                self._prune(now, rate, per_minute)
        return None

    def _prune(self, now: float, rate: float, per_minute: int) -> None:
        full = [i for i, (t, last) in self._buckets.items() if t + (now - last) * rate >= per_minute]
        for identity in full:
            del self._buckets[identity]


def _client_ip(request: Request) -> str:
    return "ip:" + (request.client.host if request.client else "unknown")


def _limit(request: Request, identity: str, settings: Settings) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.take(identity, settings.rate_limit_per_minute)
    if wait is not None:
        raise RateLimited(
            f"more than {settings.rate_limit_per_minute} requests in a minute; retry in {wait} s", wait
        )


# Declares the scheme in OpenAPI (the docs page's "Authorize"); errors are ours, not its.
_bearer = HTTPBearer(auto_error=False, description="an API key from ASSISTANT_READER_KEYS or ASSISTANT_ADMIN_KEYS; "
                     "not needed when the server has no keys configured")


async def authenticate(
    request: Request, settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """Any valid key (or anyone, with no keys configured), within the rate limit."""
    if not auth_enabled(settings):
        caller = Caller("admin", _client_ip(request))
    else:
        token = credentials.credentials.strip() if credentials else ""
        if not token:
            _limit(request, _client_ip(request), settings)
            raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
        role = role_of(token, settings)
        if role is None:
            _limit(request, _client_ip(request), settings)
            raise Unauthorized("this API key is not valid")
        caller = Caller(role, key_fingerprint(token))
    request.state.caller = caller.identity
    _limit(request, caller.identity, settings)
    return caller


async def require_admin(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
    if caller.role != "admin":
        raise Forbidden("this API key may chat and search but not change documents; use an admin key")
    return caller


Reader = Annotated[Caller, Depends(authenticate)]
Admin = Annotated[Caller, Depends(require_admin)]
