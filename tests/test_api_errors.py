"""Every failure has the one JSON shape `{"error": {"code", "message"}}` and a fitting
status - FastAPI's own 404/405/422 included - and bad input is never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.errors import ERRORS, status_and_code
from api.main import create_app
from assistant.config import Settings
from assistant.errors import DocumentNotFound, IngestError, MalformedFile, QuestionError, UnsupportedFileType

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def client(embedder, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("errors") / "data", ingest_on_start=[CORPUS],
                        rate_limit_per_minute=100_000, max_question_chars=300, max_history_messages=4)
    with TestClient(create_app(settings, embedder=embedder)) as c:
        yield c


def assert_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


def user(text: str) -> dict:
    return {"role": "user", "content": text}


CASES = [
    # 400: input the core or the API rejects with a reason
    ("post", "/v1/chat", {"json": {"question": "   "}}, 400, "invalid_question"),  # blank question
    ("post", "/v1/chat", {"json": {"question": "x" * 301}}, 400, "invalid_question"),  # over max_question_chars
    ("post", "/v1/search", {"json": {"query": ""}}, 400, "invalid_question"),  # empty query
    ("post", "/v1/chat", {"content": b'{"question": ', "headers": {"Content-Type": "application/json"}},
     400, "malformed_json"),  # truncated JSON
    ("post", "/v1/chat/completions", {"json": {"model": "m", "messages": [user("a"), {"role": "assistant",
     "content": "b"}]}}, 400, "invalid_messages"),  # the last message is not the user's
    ("post", "/v1/chat/completions", {"json": {"model": "m", "messages": [user("q")] * 5}},
     400, "history_too_long"),  # over max_history_messages
    # 404: unknown routes and ids
    ("get", "/v2/chat", {}, 404, "not_found"),  # no such route
    ("get", "/v1/documents/0000", {}, 404, "document_not_found"),
    ("delete", "/v1/documents/0000", {}, 404, "document_not_found"),
    ("get", "/v1/conversations/c-none", {}, 404, "conversation_not_found"),
    ("delete", "/v1/conversations/c-none", {}, 404, "conversation_not_found"),
    # 405: a known route, the wrong method
    ("put", "/v1/chat", {"json": {}}, 405, "method_not_allowed"),
    ("get", "/v1/search", {}, 405, "method_not_allowed"),
    # 413: bodies over the JSON limit, declared or not
    ("post", "/v1/chat", {"content": b"x" * 3_000_000, "headers": {"Content-Type": "application/json"}},
     413, "payload_too_large"),
    # 415: a JSON endpoint sent something else
    ("post", "/v1/chat", {"content": b"question=hi", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
     415, "unsupported_media_type"),
    ("post", "/v1/search", {"content": b"Verkor", "headers": {"Content-Type": "text/plain"}},
     415, "unsupported_media_type"),
    # 422: well-formed JSON that does not fit the schema
    ("post", "/v1/chat", {"json": {}}, 422, "validation_error"),  # missing question
    ("post", "/v1/chat", {"json": {"question": "Verkor?", "colour": "red"}}, 422, "validation_error"),  # unknown
    ("post", "/v1/chat", {"json": {"question": 42}}, 422, "validation_error"),  # wrong type
    ("post", "/v1/chat", {"json": {"question": "Verkor?", "conversation_id": "../x"}},
     422, "validation_error"),  # not a conversation id
    ("post", "/v1/chat", {"json": ["question"]}, 422, "validation_error"),  # not an object
    ("post", "/v1/search", {"json": {"query": "Verkor", "k": 0}}, 422, "validation_error"),  # k below 1
    ("post", "/v1/search", {"json": {"query": "Verkor", "mode": "magic"}}, 422, "validation_error"),
    ("post", "/v1/search", {"json": {"query": "Verkor", "filters": {"date_from": "yesterday"}}},
     422, "validation_error"),  # not an ISO date
    ("post", "/v1/chat/completions", {"json": {"model": "m", "messages": []}}, 422, "validation_error"),
    ("post", "/v1/chat/completions", {"json": {"model": "m", "messages": [{"role": "robot", "content": "x"}]}},
     422, "validation_error"),
    ("get", "/v1/documents/x/context", {"params": {"start": "a", "end": 2}}, 422, "validation_error"),
]


@pytest.mark.parametrize("method,path,kw,status,code", CASES, ids=[f"{c[3]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_each_error_has_its_status_code_and_shape(client, method, path, kw, status, code):
    assert_error(getattr(client, method)(path, **kw), status, code)


def test_405_keeps_the_allow_header(client):
    assert "POST" in client.get("/v1/chat").headers["allow"]


def test_before_the_lifespan_has_run_the_api_is_not_ready(embedder, tmp_path):
    client = TestClient(create_app(Settings(data_dir=tmp_path / "d"), embedder=embedder))  # no `with`: no lifespan
    assert_error(client.post("/v1/chat", json={"question": "Verkor?"}), 503, "not_ready")
    assert_error(client.get("/readyz"), 503, "not_ready")
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("body", [
    {"question": "\x00\x01\x02"},  # control characters
    {"question": "?" * 300},  # punctuation only, at the limit
    {"question": "Verkor " + "\u202e" * 10},  # bidi overrides
    {"question": "日本語の質問ですか"},  # no English words at all
    {"question": "Verkor?", "filters": {"doc_ids": []}},  # an empty filter list
    {"question": "Verkor?", "filters": {"publisher": "'; DROP TABLE documents; --"}},  # SQL in a filter
    {"question": "\"quoted\" AND OR NOT * NEAR(", "filters": {"kind": "table"}},  # FTS5 operators
    {"question": "Verkor?", "filters": {"date_from": "2030", "date_to": "2020"}},  # an empty date range
])
def test_odd_input_is_never_a_server_error(client, body):
    for path, payload in [("/v1/chat", body), ("/v1/search", {"query": body["question"], "filters": body.get(
            "filters")}), ("/v1/chat/completions", {"model": "m", "messages": [user(body["question"])],
                                                    "filters": body.get("filters")})]:
        r = client.post(path, json=payload)
        assert r.status_code < 500, (path, r.text)
        assert r.status_code == 200 or "error" in r.json()


@pytest.mark.parametrize("exc,status,code", [
    (QuestionError("q"), 400, "invalid_question"),
    (DocumentNotFound("d"), 404, "document_not_found"),
    (UnsupportedFileType("f", "r"), 415, "unsupported_file_type"),
    (MalformedFile("f", "r"), 422, "ingest_failed"),  # a subclass maps through its parent
    (IngestError("f", "r"), 422, "ingest_failed"),
    (ValueError("boom"), 500, "internal_error"),  # anything unexpected
])
def test_the_error_table_maps_by_class_hierarchy(exc, status, code):
    assert status_and_code(exc) == (status, code)


def test_the_table_uses_only_the_documented_statuses():
    assert {s for s, _ in ERRORS.values()} <= {400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503}
