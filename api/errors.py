"""Every failure leaves the API as `{"error": {"code": ..., "message": ...}}`.

In: an exception raised by a route, a dependency, the core library or FastAPI itself
(unknown route, wrong method, request validation). Out: a JSON response whose status
and code come from ONE table, `ERRORS`, looked up along the exception's class hierarchy.
Messages are the ones our own errors carry (written to be shown to a person); an
unexpected exception is logged with the request id and answered with a generic 500,
never with `str(exception)`.

API-only errors (auth, limits, conflicts) are declared here; the core's live in
assistant/errors.py and are mapped here, so the core never learns about HTTP.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import (
    AssistantError,
    ConfigError,
    ConversationNotFound,
    DocumentNotFound,
    FilterError,
    IngestError,
    InputError,
    NotFound,
    QuestionError,
    StoreUnavailable,
    UnsupportedFileType,
)

log = logging.getLogger("api")


class ApiError(Exception):
    """An HTTP-layer failure; `message` is shown to the caller as is."""

    def __init__(self, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ApiError):
    pass


class InvalidMessages(BadRequest):
    pass


class HistoryTooLong(BadRequest):
    pass


class Unauthorized(ApiError):
    def __init__(self, message: str):
        super().__init__(message, {"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    pass


class Conflict(ApiError):
    pass


class PayloadTooLarge(ApiError):
    pass


class UnsupportedMediaType(ApiError):
    pass


class RateLimited(ApiError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message, {"Retry-After": str(retry_after)})


class NotReady(ApiError):
    pass


# error class -> (HTTP status, machine-readable code); the most specific class wins.
ERRORS: dict[type[Exception], tuple[int, str]] = {
    InvalidMessages: (400, "invalid_messages"),
    HistoryTooLong: (400, "history_too_long"),
    BadRequest: (400, "bad_request"),
    QuestionError: (400, "invalid_question"),
    FilterError: (400, "invalid_filter"),
    InputError: (400, "invalid_input"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    DocumentNotFound: (404, "document_not_found"),
    ConversationNotFound: (404, "conversation_not_found"),
    NotFound: (404, "not_found"),
    Conflict: (409, "conflict"),
    PayloadTooLarge: (413, "payload_too_large"),
    UnsupportedMediaType: (415, "unsupported_media_type"),
    UnsupportedFileType: (415, "unsupported_file_type"),
    IngestError: (422, "ingest_failed"),
    RateLimited: (429, "rate_limited"),
    NotReady: (503, "not_ready"),
    StoreUnavailable: (503, "store_unavailable"),
    ConfigError: (503, "misconfigured"),
    AssistantError: (500, "assistant_error"),
}

# Statuses FastAPI/Starlette raise on their own (routing, body parsing, size limits).
_FRAMEWORK_CODES = {
    400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "validation_error",
}
_FRAMEWORK_MESSAGES = {
    404: "no such endpoint; see /docs for the API",
}

# One response per documented error status, for the OpenAPI schema of every route.
ERROR_EXAMPLES = {
    400: ("invalid_question", "the question is empty; type a question"),
    401: ("unauthorized", "missing API key: send 'Authorization: Bearer <key>'"),
    403: ("forbidden", "this API key may read but not change documents; use an admin key"),
    404: ("document_not_found", "no document with id 'd0c'"),
    409: ("conflict", "a different file named notes.md is already indexed; send replace=true to replace it"),
    413: ("payload_too_large", "the file is larger than the 20971520-byte upload limit"),
    415: ("unsupported_media_type", "send the request body as application/json"),
    422: ("validation_error", "question: Field required"),
    429: ("rate_limited", "more than 120 requests in a minute; retry in 3 s"),
    503: ("not_ready", "the assistant is starting up; retry in a moment"),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for these statuses, all with the one error shape."""
    from api.schemas import ErrorResponse

    return {
        s: {
            "model": ErrorResponse,
            "description": ERROR_EXAMPLES[s][0],
            "content": {"application/json": {"example": _body(*ERROR_EXAMPLES[s])}},
        }
        for s in statuses
    }


def status_and_code(exc: Exception) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return 500, "internal_error"


def _body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(_body(code, message), status_code=status, headers=headers)


async def _known(request: Request, exc: Exception) -> JSONResponse:
    status, code = status_and_code(exc)
    if status >= 500 and not isinstance(exc, (ApiError, AssistantError)):
        return await _unexpected(request, exc)
    if status >= 500:
        log.warning("%s %s: %s (request %s)", status, code, exc, _request_id(request))
    return error_response(status, code, getattr(exc, "message", code), getattr(exc, "headers", None))


async def _framework(request: Request, exc: HTTPException) -> JSONResponse:
    code = _FRAMEWORK_CODES.get(exc.status_code, "http_error")
    message = _FRAMEWORK_MESSAGES.get(exc.status_code)
    if message is None:
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return error_response(exc.status_code, code, message, exc.headers)


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        detail = next(e for e in errors if e.get("type") == "json_invalid").get("ctx", {}).get("error", "")
        message = f"the request body is not valid JSON ({detail})" if detail else "the request body is not valid JSON"
        return error_response(400, "malformed_json", message)
    if _wrong_content_type(request, errors):
        return error_response(415, "unsupported_media_type", "send the request body as application/json")
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return error_response(422, "validation_error", "; ".join(parts))


def _wrong_content_type(request: Request, errors: list[dict[str, Any]]) -> bool:
    """A JSON endpoint got a body it could not read as JSON because of its media type."""
    whole_body = [e for e in errors if tuple(e.get("loc", ())) == ("body",)]
    if not whole_body or request.method not in ("POST", "PUT", "PATCH"):
        return False
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media.startswith("multipart/"):
        return False
    return not (media == "application/json" or media.endswith("+json")) and any(
        e.get("type") in ("model_attributes_type", "dict_type", "model_type") for e in whole_body
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    rid = _request_id(request)
    log.error("unexpected error (request %s)", rid, exc_info=exc)
    message = f"an internal error occurred; quote request id {rid} when reporting it"
    return error_response(500, "internal_error", message)


def _request_id(request: Request) -> str:
    return request.scope.get("state", {}).get("request_id", "-")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _framework)
    app.add_exception_handler(ApiError, _known)
    app.add_exception_handler(AssistantError, _known)
    app.add_exception_handler(Exception, _unexpected)
