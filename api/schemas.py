"""Request and response models of the HTTP API, with the examples the OpenAPI page shows.

In: JSON bodies. Out: validated requests turned into the core's own types
(`Filters`), and response models that mirror `Answer.to_dict()`, `Hit.to_dict()` and
the catalog's document records field for field, so what the API documents is what the
core returns. The OpenAI-compatible models follow OpenAI's chat-completions shapes,
plus a `citations` field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.types import Filters

_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"  # "2023", "2023-06" or "2023-06-01"
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"  # a conversation id, as the core accepts it
QUESTION = "When does the Dunkirk gigafactory become operational?"

CITATION_EXAMPLE = {
    "n": 1, "doc_id": "3f1c2a9b7d5e4c10", "title": "Renault Group and Verkor Partner to Supply "
    "High-Performance, Low-Carbon Batteries", "source": "/srv/corpus/documents/renault-verkor-battery-partnership.md",
    "locator": "chars 1480-1610",
    "quote": "the construction of the Dunkirk Gigafactory, which will be operational in 2025",
    "start": 1532, "end": 1610, "date": None, "kind": "document", "row": None, "page": None, "values": None,
}
ANSWER_EXAMPLE = {
    "question": QUESTION, "standalone_question": QUESTION,
    "answer": "The Dunkirk Gigafactory will be operational in 2025 [1].", "short_answer": "2025",
    "abstained": False, "conflict": False, "citations": [CITATION_EXAMPLE], "related": [],
    "conversation_id": "c-5b0d6c2e", "timings_ms": {"rewrite": 0.1, "retrieve": 18.4, "answer": 6.2, "store": 1.1,
                                                   "total": 25.8},
    "computation": None, "route": "documents",
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FiltersIn(_In):
    """Metadata filters, all optional, combined with AND."""

    doc_ids: list[str] | None = Field(None, max_length=100, description="only these documents")
    kind: Literal["document", "table"] | None = None
    publisher: str | None = Field(None, max_length=200, examples=["Renault Group"])
    date_from: str | None = Field(None, pattern=_DATE, description="ISO date, inclusive", examples=["2023-01-01"])
    date_to: str | None = Field(None, pattern=_DATE, description="ISO date, inclusive; '2023' covers the year")

    def to_filters(self) -> Filters | None:
        f = Filters(**self.model_dump())
        return None if f.is_empty() else f


def to_filters(filters: FiltersIn | None) -> Filters | None:
    return filters.to_filters() if filters else None


class ChatRequest(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"question": QUESTION},
        {"question": "Which vehicle gets them first?", "conversation_id": "c-5b0d6c2e"},
        {"question": "How many GWh a year?", "filters": {"kind": "document"}, "stream": True},
    ]})

    question: str = Field(description="the question; a follow-up is rewritten using the conversation")
    conversation_id: str | None = Field(None, pattern=_ID, description="continue this conversation")
    filters: FiltersIn | None = None
    stream: bool = Field(False, description="Server-Sent Events: `citations`, then `delta`s, then `done`")


class Citation(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CITATION_EXAMPLE]})

    n: int
    doc_id: str
    title: str
    source: str
    locator: str
    quote: str = Field(description="exactly the document's extracted text[start:end]")
    start: int
    end: int
    date: str | None = None
    kind: Literal["document", "table"] = "document"
    row: int | None = None
    page: int | None = None
    values: dict[str, str] | None = None


class Hit(BaseModel):
    rank: int
    score: float
    dense_score: float | None = None
    keyword_score: float | None = None
    chunk_id: str
    doc_id: str
    title: str
    source: str
    kind: Literal["document", "table"]
    locator: str
    page: int | None = None
    row: int | None = None
    start: int
    end: int
    date: str | None = None
    publisher: str | None = None
    text: str


class Answer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ANSWER_EXAMPLE]})

    question: str
    standalone_question: str
    answer: str = Field(description="readable text with [n] citation markers")
    short_answer: str | None
    abstained: bool = Field(description="true when the documents do not answer the question")
    conflict: bool
    citations: list[Citation]
    related: list[Hit] = Field(description="closest passages, when abstaining")
    conversation_id: str | None
    timings_ms: dict[str, float]
    computation: str | None = None
    route: str


class SearchRequest(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"query": "Dunkirk gigafactory operational", "k": 5, "mode": "hybrid"},
        {"query": "battery volume", "filters": {"kind": "table"}, "mode": "keyword"},
    ]})

    query: str
    k: int = Field(5, ge=1, le=50)
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    filters: FiltersIn | None = None


class SearchResponse(BaseModel):
    query: str
    mode: str
    hits: list[Hit]
    timings_ms: dict[str, float]


class Turn(BaseModel):
    question: str
    standalone_question: str
    answer: str
    short_answer: str | None
    created_at: str = ""
    citations: list[dict[str, Any]] = []


class Conversation(BaseModel):
    conversation_id: str
    created_at: str | None = None
    turns: list[Turn]


class Deleted(BaseModel):
    id: str
    deleted: bool = True


class DocumentSummary(BaseModel):
    doc_id: str
    source: str
    title: str
    kind: Literal["document", "table"]
    media_type: str
    content_hash: str
    publisher: str | None = None
    date: str | None = None
    metadata: dict[str, Any] = {}
    chunk_count: int
    ingested_at: str
    warnings: list[str] = []


class DocumentList(BaseModel):
    documents: list[DocumentSummary]
    count: int


class ChunkInfo(BaseModel):
    chunk_id: str
    start: int
    end: int
    page: int | None = None
    row: int | None = None
    text: str


class DocumentDetail(DocumentSummary):
    characters: int
    pages: int
    rows: int
    chunks: list[ChunkInfo]
    text: str | None = Field(None, description="the extracted text, with ?text=true")


class DocumentContext(BaseModel):
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    context_start: int
    context_end: int
    before: str
    quote: str = Field(description="text[start:end], the span to highlight")
    after: str
    locator: str
    document_length: int = Field(description="characters in the document's extracted text")


class UploadResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"doc_id": "9a7e0c41d2b35f18", "filename": "notes.md", "status": "added", "chunks": 4, "warnings": []},
    ]})

    doc_id: str
    filename: str = Field(description="the sanitized name the file is stored under")
    status: Literal["added", "updated", "unchanged"]
    chunks: int
    warnings: list[str] = []


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    model: str
    documents: int
    chunks: int


class ErrorBody(BaseModel):
    code: str = Field(examples=["invalid_question"])
    message: str = Field(examples=["the question is empty; type a question"])


class ErrorResponse(BaseModel):
    error: ErrorBody


# --- OpenAI-compatible -----------------------------------------------------------
MODEL_ID = "battery-assistant"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # tool_calls, name, ... are accepted and ignored

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}]},
        {"model": MODEL_ID, "stream": True, "messages": [
            {"role": "user", "content": "Who supplies Renault Group with batteries?"},
            {"role": "assistant", "content": "Verkor supplies Renault Group [1]."},
            {"role": "user", "content": "Which vehicle gets them first?"},
        ]},
    ]})

    model: str = Field(MODEL_ID, description=f"accepted for compatibility; the answer always comes from {MODEL_ID}")
    messages: list[ChatMessage] = Field(min_length=1, description="the last message is the question; earlier "
                                        "user/assistant messages are the conversation so far")
    stream: bool = False
    filters: FiltersIn | None = Field(None, description="extension: metadata filters for retrieval")


class CompletionMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="the answer with [n] markers, then a 'Sources:' list")
    citations: list[Citation] = Field(description="extension: the numbered sources")


class CompletionChoice(BaseModel):
    index: int = 0
    message: CompletionMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage
    citations: list[Citation] = Field(description="extension: the same sources as the message's")
    short_answer: str | None = Field(None, description="extension: the answer in a few words")
    abstained: bool = Field(False, description="extension: true when the documents do not answer")


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]
