"""The official `openai` client against /v1/chat/completions on a real server: the two
README questions get the right short answers, with citations, streamed and not."""

from __future__ import annotations

import httpx
import pytest
from openai import OpenAI

pytestmark = pytest.mark.e2e

DUNKIRK = "When does the Dunkirk gigafactory become operational?"
VEHICLE = "Which vehicle gets the batteries first?"
ALPINE = "Alpine 100% electric C-Crossover GT"


@pytest.fixture(scope="module")
def client(server):
    http_client = httpx.Client(timeout=60)
    yield OpenAI(base_url=server.url + "/v1", api_key=server.key or "no-key-needed-locally", max_retries=5,
                 http_client=http_client)
    http_client.close()


def test_models(client):
    assert [m.id for m in client.models.list()] == ["battery-assistant"]


@pytest.mark.parametrize("question,expected", [(DUNKIRK, "2025"), (VEHICLE, ALPINE)])
def test_short_answers_with_citations(client, question, expected):
    completion = client.chat.completions.create(model="battery-assistant",
                                                messages=[{"role": "user", "content": question}])
    message = completion.choices[0].message
    assert expected in message.content and "[1]" in message.content and "Sources:" in message.content
    extra = completion.model_extra
    assert expected in extra["short_answer"]
    citations = extra["citations"]
    assert citations and all({"n", "doc_id", "quote", "start", "end"} <= c.keys() for c in citations)
    assert any(expected in c["quote"] for c in citations)


def test_follow_up_with_history(client):
    first = client.chat.completions.create(
        model="battery-assistant", messages=[{"role": "user", "content": DUNKIRK}])
    second = client.chat.completions.create(model="battery-assistant", messages=[
        {"role": "user", "content": DUNKIRK},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": VEHICLE},
    ])
    assert ALPINE in second.choices[0].message.content


def test_streaming(client):
    stream = client.chat.completions.create(
        model="battery-assistant", stream=True, messages=[{"role": "user", "content": DUNKIRK}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "2025" in text and "Sources:" in text
    assert chunks[0].model_extra["citations"] and chunks[-1].choices[0].finish_reason == "stop"
