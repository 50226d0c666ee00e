"""The HTTP API through `TestClient(create_app(settings))`: a real Assistant over the
real corpus in tmp_path, the session's MiniLM. Chat (JSON and SSE), search, documents
read-side, conversations (also across an app restart), probes, request ids, the page."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.streaming import pieces
from assistant.config import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DUNKIRK = "When does the Dunkirk gigafactory become operational?"
VEHICLE = "Which vehicle gets the batteries first?"


def _settings(data_dir: Path, **kw) -> Settings:
    return Settings(data_dir=data_dir, ingest_on_start=[CORPUS], rate_limit_per_minute=100_000, **kw)


@pytest.fixture(scope="module")
def client(embedder, tmp_path_factory):
    app = create_app(_settings(tmp_path_factory.mktemp("api") / "data"), embedder=embedder)
    with TestClient(app) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        events.append((name, json.loads("\n".join(data))))
    return events


@pytest.mark.parametrize("text", ["", "one", "The Dunkirk Gigafactory will be operational in 2025 [1].",
                                  "  leading and trailing  ", "line one\nline two\n\n[1] [2]"])
def test_stream_pieces_join_back_to_the_text(text):
    assert "".join(pieces(text)) == text


def test_probes_say_alive_and_ready(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["model"] and ready["documents"] == 3 and ready["chunks"] > 0


def test_chat_answers_with_citations_and_stage_timings(client):
    r = client.post("/v1/chat", json={"question": DUNKIRK})
    assert r.status_code == 200
    body = r.json()
    assert not body["abstained"] and "2025" in (body["short_answer"] or body["answer"])
    assert body["citations"] and body["conversation_id"]
    assert {"retrieve", "answer"} <= body["timings_ms"].keys()
    assert set(body) >= {"question", "standalone_question", "answer", "short_answer", "abstained", "conflict",
                         "citations", "related", "conversation_id", "timings_ms", "computation", "route"}
    assert set(body["citations"][0]) == {"n", "doc_id", "title", "source", "locator", "quote", "start", "end",
                                         "date", "kind", "row", "page", "values"}


@pytest.mark.parametrize("question", [
    DUNKIRK, VEHICLE,
    "How many GWh of batteries will Verkor supply each year?",  # a figure
    "When did Renault Group acquire a stake in Verkor?",  # a date in a table and a text
    "Where is the Alpine C-Crossover GT manufactured?",
])
def test_every_citation_quotes_its_document_exactly(client, question):
    body = client.post("/v1/chat", json={"question": question}).json()
    for c in body["citations"]:
        text = client.get(f"/v1/documents/{c['doc_id']}", params={"text": True}).json()["text"]
        assert text[c["start"]:c["end"]] == c["quote"]


def test_vehicle_question_names_the_alpine(client):
    body = client.post("/v1/chat", json={"question": VEHICLE}).json()
    assert "Alpine 100% electric C-Crossover GT" in (body["short_answer"] or "") + body["answer"]


def test_streaming_sends_citations_then_text_pieces_then_the_whole_answer(client):
    r = client.post("/v1/chat", json={"question": DUNKIRK, "stream": True})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "done"
    assert set(names[1:-1]) == {"delta"}
    done = events[-1][1]
    assert len(names) - 2 == len(pieces(done["answer"]))  # the text comes in pieces of a few words
    assert "".join(data["text"] for name, data in events if name == "delta") == done["answer"]
    assert events[0][1]["citations"] == done["citations"]
    plain = client.post("/v1/chat", json={"question": DUNKIRK}).json()
    assert set(done) == set(plain) and done["answer"] == plain["answer"]


def test_a_conversation_is_kept_read_back_and_deleted(client):
    first = client.post("/v1/chat", json={"question": "Who will supply batteries to Renault Group?"}).json()
    cid = first["conversation_id"]
    second = client.post("/v1/chat", json={"question": "Which vehicle gets them first?", "conversation_id": cid})
    assert second.status_code == 200 and second.json()["conversation_id"] == cid
    turns = client.get(f"/v1/conversations/{cid}").json()["turns"]
    assert [t["question"] for t in turns] == ["Who will supply batteries to Renault Group?",
                                              "Which vehicle gets them first?"]
    assert client.delete(f"/v1/conversations/{cid}").json() == {"id": cid, "deleted": True}
    assert client.get(f"/v1/conversations/{cid}").status_code == 404


def test_conversations_survive_an_app_restart(embedder, tmp_path):
    settings = _settings(tmp_path / "data")
    with TestClient(create_app(settings, embedder=embedder)) as first:
        cid = first.post("/v1/chat", json={"question": "Who supplies batteries to Renault Group?"}).json()[
            "conversation_id"]
    with TestClient(create_app(settings, embedder=embedder)) as second:
        turns = second.get(f"/v1/conversations/{cid}").json()["turns"]
        assert [t["question"] for t in turns] == ["Who supplies batteries to Renault Group?"]
        follow = second.post("/v1/chat", json={"question": "Which vehicle gets them first?", "conversation_id": cid})
        assert follow.status_code == 200
        assert len(second.get(f"/v1/conversations/{cid}").json()["turns"]) == 2


def test_search_ranks_passages_and_applies_filters(client):
    hits = client.post("/v1/search", json={"query": "Dunkirk gigafactory operational", "k": 3}).json()["hits"]
    assert 1 <= len(hits) <= 3 and hits[0]["rank"] == 1 and "Dunkirk" in hits[0]["text"]
    tables = client.post("/v1/search", json={"query": "Verkor", "filters": {"kind": "table"}, "k": 10}).json()
    assert tables["hits"] and {h["kind"] for h in tables["hits"]} == {"table"}
    keyword = client.post("/v1/search", json={"query": "C-Crossover", "mode": "keyword"}).json()
    assert keyword["mode"] == "keyword" and keyword["hits"][0]["keyword_score"] is not None
    none = client.post("/v1/search", json={"query": "Verkor", "filters": {"doc_ids": ["no-such-doc"]}}).json()
    assert none["hits"] == []


def test_documents_are_listed_and_described(client):
    listing = client.get("/v1/documents").json()
    assert listing["count"] == 3 == len(listing["documents"])
    doc = next(d for d in listing["documents"] if d["kind"] == "document")
    detail = client.get(f"/v1/documents/{doc['doc_id']}").json()
    assert detail["content_hash"] == doc["content_hash"] and detail["ingested_at"]
    assert detail["chunk_count"] == len(detail["chunks"]) > 0 and detail["text"] is None
    text = client.get(f"/v1/documents/{doc['doc_id']}", params={"text": True}).json()["text"]
    assert all(text[c["start"]:c["end"]] == c["text"] for c in detail["chunks"])


def test_context_returns_the_span_with_its_surroundings(client):
    c = client.post("/v1/chat", json={"question": DUNKIRK}).json()["citations"][0]
    ctx = client.get(f"/v1/documents/{c['doc_id']}/context", params={"start": c["start"], "end": c["end"]}).json()
    assert ctx["quote"] == c["quote"] and ctx["before"] and ctx["after"]
    assert ctx["context_start"] + len(ctx["before"]) == c["start"]
    assert c["end"] + len(ctx["after"]) == ctx["context_end"] <= ctx["document_length"]


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert made != "bad id\n" and len(made) == 32
    assert len(client.get("/v1/nope").headers["x-request-id"]) == 32  # errors carry one too


def test_access_log_has_request_id_caller_and_stage_timings(client, caplog):
    caplog.set_level(logging.INFO, logger="api.access")
    client.post("/v1/chat", json={"question": DUNKIRK}, headers={"X-Request-ID": "log-check-1"})
    line = next(r.getMessage() for r in caplog.records if "id=log-check-1" in r.getMessage())
    assert "POST /v1/chat 200" in line and "caller=ip:" in line
    assert "retrieve=" in line and "answer=" in line


def test_chat_page_and_its_assets_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="/static/chat.js"' in page.text
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/chat.css").status_code == 200


def test_docs_page_uses_no_cdn(client):
    assert client.get("/redoc").status_code == 404
    docs = client.get("/docs")
    if docs.status_code == 404:
        pytest.skip("fastapi-offline is not installed: no /docs page, /openapi.json only")
    assert "cdn." not in docs.text and "/static/docs/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_openapi_documents_every_endpoint_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [("/v1/chat", "post"), ("/v1/search", "post"), ("/v1/documents", "post"),
                         ("/v1/documents", "get"), ("/v1/documents/{doc_id}", "get"),
                         ("/v1/documents/{doc_id}", "delete"), ("/v1/documents/{doc_id}/context", "get"),
                         ("/v1/conversations/{conversation_id}", "get"),
                         ("/v1/conversations/{conversation_id}", "delete"), ("/v1/chat/completions", "post"),
                         ("/v1/models", "get"), ("/healthz", "get"), ("/readyz", "get")]:
        assert method in paths[path], (method, path)
    schemas = spec["components"]["schemas"]
    assert schemas["ChatRequest"]["examples"] and schemas["Answer"]["examples"]
    chat = paths["/v1/chat"]["post"]["responses"]
    assert {"application/json", "text/event-stream"} <= chat["200"]["content"].keys()
    assert chat["401"]["content"]["application/json"]["example"]["error"]["code"] == "unauthorized"
