"""`POST /v1/chat/completions` (OpenAI-compatible), streaming or not.

The official `openai` client works against it with `base_url=<server>/v1`. The last
message is the question; earlier user/assistant messages are replayed as the
conversation, so follow-ups are rewritten. Nothing is stored: as with OpenAI, the
client sends the history each time.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api.auth import Reader
from api.deps import AssistantDep, SettingsDep
from api.errors import error_responses
from api.openai_compat import completion, completion_chunks, split_messages
from api.schemas import MODEL_ID, ChatCompletion, ChatCompletionRequest, to_filters
from api.streaming import SSE_HEADERS, sse_schema

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

_STREAM_EXAMPLE = (
    'data: {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"role": "assistant", '
    '"content": ""}}], "citations": [...]}\n\n'
    'data: {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "The Dunkirk '
    'Gigafactory "}}]}\n\n'
    'data: {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], '
    '"citations": [...]}\n\ndata: [DONE]\n\n'
)


@router.post(
    "/chat/completions", response_model=ChatCompletion, summary="Chat completions (OpenAI-compatible)",
    responses={200: {"content": {"text/event-stream": {"schema": sse_schema(None), "example": _STREAM_EXAMPLE}}},
               **error_responses(400, 401, 413, 415, 422, 429, 503)},
)
def chat_completions(
    body: ChatCompletionRequest, request: Request, assistant: AssistantDep, settings: SettingsDep, _: Reader,
):
    question, history = split_messages(body.messages, settings.max_history_messages)
    answer = assistant.ask(question, filters=to_filters(body.filters), history=history).to_dict()
    request.state.timings = answer["timings_ms"]  # for the access log line
    if body.stream:
        return StreamingResponse(completion_chunks(answer, MODEL_ID), media_type="text/event-stream",
                                 headers=SSE_HEADERS)
    return completion(answer, sum(len(m.text()) for m in body.messages), MODEL_ID)
