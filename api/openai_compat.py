"""OpenAI chat-completions compatibility: messages in, a completion (or chunks) out.

In: OpenAI-style `messages`. The last one must be the user's question; the earlier
user/assistant messages become the conversation's `Turn`s, so a follow-up such as
"Which vehicle gets them first?" is rewritten against them as in `POST /v1/chat`.
System, developer and tool messages carry no evidence and are skipped.
Out: a `chat.completion` (or `chat.completion.chunk` events ending in `[DONE]`) whose
content is the answer with its `[n]` markers followed by a "Sources:" list, with the
citations also as a `citations` field on the message (and on the first and last chunk).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from typing import Any

from api.errors import HistoryTooLong, InvalidMessages
from api.schemas import ChatMessage
from api.streaming import pieces, sse
from assistant.types import Turn

SOURCES_HEADING = "\n\nSources:\n"


def split_messages(messages: list[ChatMessage], max_messages: int) -> tuple[str, list[Turn]]:
    """(the question, the history as Turns)."""
    if len(messages) > max_messages:
        raise HistoryTooLong(f"{len(messages)} messages sent; the limit is {max_messages}")
    last = messages[-1]
    if last.role != "user" or not last.text().strip():
        raise InvalidMessages("the last message must be the user's question, with text")
    turns: list[Turn] = []
    for m in messages[:-1]:
        if m.role == "user":
            text = m.text().strip()
            turns.append(Turn(question=text, standalone_question=text, answer="", short_answer=None))
        elif m.role == "assistant" and turns and not turns[-1].answer:
            turns[-1].answer = m.text().split(SOURCES_HEADING, 1)[0].strip()
    return last.text().strip(), [t for t in turns if t.question]


def content(answer: dict[str, Any]) -> str:
    lines = []
    for c in answer["citations"]:
        date = f", {c['date']}" if c.get("date") else ""
        lines.append(f"[{c['n']}] {c['title']} ({c['locator']}{date}): \"{c['quote']}\"")
    return answer["answer"] + (SOURCES_HEADING + "\n".join(lines) if lines else "")


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4)  # an approximation: no tokenizer is loaded for this


def completion(answer: dict[str, Any], prompt_chars: int, model: str) -> dict[str, Any]:
    text = content(answer)
    prompt, completion_tokens = math.ceil(prompt_chars / 4), _tokens(text)
    return {
        "id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text, "citations": answer["citations"]}}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens,
                  "total_tokens": prompt + completion_tokens},
        "citations": answer["citations"], "short_answer": answer["short_answer"], "abstained": answer["abstained"],
    }


def completion_chunks(answer: dict[str, Any], model: str) -> Iterator[str]:
    base = {"id": "chatcmpl-" + uuid.uuid4().hex, "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

    yield chunk({"role": "assistant", "content": ""}, citations=answer["citations"])
    for piece in pieces(content(answer)):
        yield chunk({"content": piece})
    yield chunk({}, "stop", citations=answer["citations"], short_answer=answer["short_answer"],
                abstained=answer["abstained"])
    yield "data: [DONE]\n\n"
