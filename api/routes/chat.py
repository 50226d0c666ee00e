"""`POST /v1/chat`: a question (maybe a follow-up) -> a cited answer, JSON or SSE."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.auth import Reader
from api.deps import AssistantDep
from api.errors import error_responses
from api.schemas import ANSWER_EXAMPLE, Answer, ChatRequest, to_filters
from api.streaming import SSE_HEADERS, answer_events, sse_schema

router = APIRouter(prefix="/v1", tags=["chat"])

_STREAM_EXAMPLE = (
    'event: citations\ndata: {"citations": [...], "conversation_id": "c-5b0d6c2e", ...}\n\n'
    'event: delta\ndata: {"text": "The Dunkirk Gigafactory "}\n\n'
    'event: delta\ndata: {"text": "will be operational "}\n\n'
    'event: done\ndata: {"question": ..., "answer": ..., "citations": [...], ...}\n\n'
)


@router.post(
    "/chat", response_model=Answer, summary="Ask a question; get an answer with numbered citations",
    responses={200: {"content": {
        "application/json": {"example": ANSWER_EXAMPLE},
        "text/event-stream": {"schema": sse_schema(["citations", "delta", "done"]), "example": _STREAM_EXAMPLE},
    }}, **error_responses(400, 401, 404, 413, 415, 422, 429, 503)},
)
def chat(body: ChatRequest, request: Request, assistant: AssistantDep, _: Reader):
    """Follow-ups ("Which vehicle gets them first?") are rewritten against the
    conversation named by `conversation_id`; without one a new conversation starts and
    its id comes back (an id not seen before starts a conversation under that id).
    "Not in the documents" is a normal answer with `abstained: true`.
    With `stream: true` the response is Server-Sent Events: `citations` first, then the
    answer text in `delta` pieces, then `done` with the whole object."""
    answer = assistant.ask(body.question, conversation_id=body.conversation_id, filters=to_filters(body.filters))
    request.state.timings = answer.timings_ms  # for the access log line
    if body.stream:
        return StreamingResponse(answer_events(answer.to_dict()), media_type="text/event-stream",
                                 headers=SSE_HEADERS)
    return answer.to_dict()
