"""Request ids and the access log, as a plain ASGI middleware (safe for streaming).

In: every HTTP request, with an optional `X-Request-ID` header (kept when it is a
short token of safe characters, otherwise replaced by a fresh id). Out: the same id on
the response's `X-Request-ID` header, in `request.state.request_id` for error
messages, and one log line per request: method, path, status, duration, id and the
caller's identity (a key fingerprint or client IP, never a key) and, for answers, the
per-stage timings (rewrite, retrieve, answer, ...) that also travel in `timings_ms`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("api.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = [0]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            stages = state.get("timings") or {}
            log.info(
                "%s %s %s %.1fms id=%s caller=%s%s", scope["method"], scope["path"], status[0] or 500,
                (time.perf_counter() - started) * 1000, request_id, state.get("caller", "-"),
                "".join(f" {k}={v:.1f}ms" for k, v in stages.items() if isinstance(v, (int, float))),
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None
