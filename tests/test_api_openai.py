"""OpenAI-compatible endpoints through TestClient: completions (plain and streamed)
carry `[n]` markers, a sources list and a `citations` field; earlier messages are the
history; `/v1/models` lists the one model. (The official `openai` client is exercised
against a real server in tests/e2e.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.openai_compat import split_messages
from api.schemas import ChatMessage
from assistant.config import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DUNKIRK = "When does the Dunkirk gigafactory become operational?"


@pytest.fixture(scope="module")
def client(embedder, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("oai") / "data", ingest_on_start=[CORPUS],
                        rate_limit_per_minute=100_000)
    with TestClient(create_app(settings, embedder=embedder)) as c:
        yield c


def messages(*pairs: tuple[str, str]) -> list[dict]:
    return [{"role": role, "content": content} for role, content in pairs]


def test_models_lists_the_assistant(client):
    body = client.get("/v1/models").json()
    assert body["object"] == "list" and [m["id"] for m in body["data"]] == ["battery-assistant"]


def test_completion_has_markers_sources_and_citations(client):
    r = client.post("/v1/chat/completions", json={"model": "anything", "messages": messages(("user", DUNKIRK))})
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "chat.completion" and body["model"] == "battery-assistant"
    message = body["choices"][0]["message"]
    assert message["role"] == "assistant" and body["choices"][0]["finish_reason"] == "stop"
    assert "2025" in message["content"] and "[1]" in message["content"] and "\n\nSources:\n[1] " in message["content"]
    assert message["citations"] and message["citations"] == body["citations"]
    assert body["short_answer"] and "2025" in body["short_answer"]
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]


def test_streamed_completion_is_openai_chunks_then_done(client):
    r = client.post("/v1/chat/completions",
                    json={"model": "m", "stream": True, "messages": messages(("user", DUNKIRK))})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    blocks = [b for b in r.text.split("\n\n") if b]
    assert blocks[-1] == "data: [DONE]"
    chunks = [json.loads(b.removeprefix("data: ")) for b in blocks[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant" and chunks[0]["citations"]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    plain = client.post("/v1/chat/completions", json={"model": "m", "messages": messages(("user", DUNKIRK))}).json()
    assert text == plain["choices"][0]["message"]["content"]


def test_earlier_messages_are_the_history_and_nothing_is_kept(client):
    history = messages(
        ("system", "You are helpful."),
        ("user", "Who will supply batteries to Renault Group?"),
        ("assistant", "Verkor will supply Renault Group [1].\n\nSources:\n[1] ..."),
        ("user", "Which vehicle gets them first?"),
    )
    body = client.post("/v1/chat/completions", json={"model": "m", "messages": history}).json()
    assert "C-Crossover GT" in body["choices"][0]["message"]["content"]
    assert body["citations"]


def test_content_parts_are_read_as_text(client):
    parts = [{"role": "user", "content": [{"type": "text", "text": DUNKIRK}]}]
    body = client.post("/v1/chat/completions", json={"model": "m", "messages": parts}).json()
    assert "2025" in body["choices"][0]["message"]["content"]


def test_unknown_openai_parameters_are_accepted(client):
    r = client.post("/v1/chat/completions", json={"model": "m", "temperature": 0.2, "max_tokens": 50, "n": 1,
                                                  "messages": messages(("user", DUNKIRK))})
    assert r.status_code == 200


def test_split_messages_pairs_questions_with_answers():
    msgs = [ChatMessage(role=r, content=c) for r, c in [
        ("system", "be brief"), ("user", "q1"), ("assistant", "a1\n\nSources:\n[1] x"), ("user", "q2"),
        ("user", "q3"), ("assistant", "a3"), ("tool", "ignored"), ("user", "now?")]]
    question, turns = split_messages(msgs, 50)
    assert question == "now?"
    assert [(t.question, t.answer) for t in turns] == [("q1", "a1"), ("q2", ""), ("q3", "a3")]
