"""Request body limits, enforced while the body is read (nothing is buffered past them).

In: every HTTP request. Out: a 413 in the one error shape as soon as the declared
`Content-Length` or the bytes actually received exceed the limit for the route:
uploads (`POST /v1/documents`) may carry `max_upload_bytes` plus multipart framing;
every other body is JSON, at most a full history of maximal messages. The exact
per-file limit is checked again while the upload is copied (api/uploads.py).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from assistant.config import Settings

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around an uploaded file
UPLOAD_PATH = "/v1/documents"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than the {limit}-byte limit")


def json_body_limit(settings: Settings) -> int:
    """Largest JSON body: a full history of maximal messages (8 bytes/char covers escapes)."""
    return 64 * 1024 + 8 * settings.max_question_chars * (settings.max_history_messages + 1)


def upload_body_limit(settings: Settings) -> int:
    return settings.max_upload_bytes + MULTIPART_OVERHEAD


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.json_limit, self.upload_limit = json_body_limit(settings), upload_body_limit(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH
        limit = self.upload_limit if upload else self.json_limit
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await error_response(413, "payload_too_large", BodyTooLarge(limit).detail)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
