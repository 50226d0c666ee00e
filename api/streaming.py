"""Server-Sent Events for `POST /v1/chat` with `stream: true`.

In: a finished `Answer` (as `to_dict()`). Out: the event stream, in this order:

    event: citations   {"citations": [...], "conversation_id": ..., "standalone_question": ...}
    event: delta       {"text": "The Dunkirk "}        (repeated: the answer in pieces)
    event: done        the whole Answer object, as the non-streaming response has it

Citations come first so a page can render its sources before the text that points at
them. The embedded answerer produces the whole text at once; the pieces keep the wire
format the same for a generative backend that streams tokens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_PIECE = re.compile(r"\S+\s*")
WORDS_PER_PIECE = 3  # small enough to look live, large enough not to flood the client


def sse(data: Any, event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def pieces(text: str, words: int = WORDS_PER_PIECE) -> list[str]:
    """`text` cut after every few words; the pieces join back to exactly `text`."""
    leading = text[: len(text) - len(text.lstrip())]
    tokens = _PIECE.findall(text)
    out = ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]
    if leading:
        out = [leading + (out[0] if out else "")] + out[1:]
    return out


def answer_events(answer: dict[str, Any]) -> Iterator[str]:
    yield sse({
        "citations": answer["citations"], "conversation_id": answer["conversation_id"],
        "standalone_question": answer["standalone_question"],
    }, "citations")
    for piece in pieces(answer["answer"]):
        yield sse({"text": piece}, "delta")
    yield sse(answer, "done")


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse_schema(events: list[str] | None) -> dict[str, Any]:
    """OpenAPI schema of one event (OpenAPI 3.2 convention): its name and JSON `data`."""
    props: dict[str, Any] = {"data": {"type": "string", "contentMediaType": "application/json"}}
    if events:
        props["event"] = {"type": "string", "enum": events}
    return {"type": "object", "required": ["data", *(["event"] if events else [])], "properties": props}
