"""The served API over real HTTP on loopback: probes, request ids, a chat round trip,
an upload and its removal, and (for a server these tests started) the start-up notice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_probes(http):
    assert http.get("/healthz").json() == {"status": "ok"}
    assert http.get("/readyz").json()["status"] == "ready"


def test_request_id_round_trip(http):
    r = http.get("/v1/models", headers={"X-Request-ID": "e2e-req-1"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "e2e-req-1"


def test_chat_and_follow_up_over_http(http):
    first = http.post("/v1/chat", json={"question": "Who will supply batteries to Renault Group?"}).json()
    assert "Verkor" in first["answer"] and first["citations"]
    follow = http.post("/v1/chat", json={"question": "Which vehicle gets them first?",
                                         "conversation_id": first["conversation_id"]}).json()
    assert "C-Crossover GT" in follow["answer"]
    turns = http.get(f"/v1/conversations/{first['conversation_id']}").json()["turns"]
    assert len(turns) == 2


def test_streamed_chat_over_http(http):
    with http.stream("POST", "/v1/chat", json={"question": "How many GWh a year will Verkor supply?",
                                                "stream": True}) as r:
        assert r.status_code == 200
        events = [line.split(":", 1)[1].strip() for line in r.iter_lines() if line.startswith("event:")]
    assert events[0] == "citations" and events[-1] == "done" and "delta" in events


def test_upload_then_delete_over_http(http):
    note = b"# E2E note\n\nThe FICTIONAL Quarry cell line in Lens starts in 2033.\n"
    r = http.post("/v1/documents", files={"file": ("e2e-quarry-note.md", note)})
    if r.status_code == 403:
        pytest.skip("the configured key is a reader key")
    assert r.status_code in (200, 201), r.text
    doc_id = r.json()["doc_id"]
    try:
        answer = http.post("/v1/chat", json={"question": "When does the Quarry cell line start?"}).json()
        assert "2033" in answer["answer"]
    finally:
        assert http.delete(f"/v1/documents/{doc_id}").status_code == 200


def test_errors_keep_their_shape_over_http(http):
    r = http.post("/v1/chat", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    assert http.get("/v1/nothing").json()["error"]["code"] == "not_found"


def test_start_up_says_it_binds_loopback_only_without_keys(server):
    if server.log is None:
        pytest.skip("the server was started elsewhere; its start-up log is not ours to read")
    text = server.log_text()
    assert "no API keys configured" in text and "127.0.0.1 only" in text
    assert "start-up ingest" in text
