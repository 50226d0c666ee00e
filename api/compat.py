"""What the API needs from the Assistant beyond its public methods today - in ONE place.

Each function prefers an `Assistant` method of the same purpose when it exists and
otherwise falls back to the Assistant's parts (catalog, vectors, conversations,
the loader's list of supported types). When the core grows these methods, the fallbacks
go and this module shrinks to nothing:

    Assistant.supported_extensions -> frozenset[str]
    Assistant.document_chunks(doc_id: str) -> list[Chunk]
    Assistant.document_record(doc_id: str) -> dict      (the list_documents() entry)
    Assistant.health() -> dict                          (model, documents, chunks; raises StoreUnavailable)
    Assistant.ask(question, conversation_id=None, filters=None, history: list[Turn] | None = None) -> Answer
    Assistant.get_conversation(conversation_id) -> dict          (ConversationNotFound)
    Assistant.delete_conversation(conversation_id) -> None      (ConversationNotFound)
"""

from __future__ import annotations

import inspect
from typing import Any

from assistant.errors import DocumentNotFound, StoreUnavailable
from assistant.pipeline import Assistant
from assistant.types import Answer, Chunk, Filters, Turn


def supported_extensions() -> frozenset[str]:
    supported = getattr(Assistant, "supported_extensions", None)
    if supported is None:
        from assistant.ingest.load import SUPPORTED as supported
    return frozenset(supported)


def document_chunks(assistant: Assistant, doc_id: str) -> list[Chunk]:
    if hasattr(assistant, "document_chunks"):
        return assistant.document_chunks(doc_id)
    return assistant.catalog.document_chunks(doc_id)


def document_record(assistant: Assistant, doc_id: str) -> dict[str, Any]:
    if hasattr(assistant, "document_record"):
        return assistant.document_record(doc_id)
    for record in assistant.list_documents():
        if record["doc_id"] == doc_id:
            return record
    raise DocumentNotFound(f"no document with id {doc_id!r}")


def readiness(assistant: Assistant) -> dict[str, Any]:
    if hasattr(assistant, "health"):
        return assistant.health()
    if not assistant.vectors.ping():
        raise StoreUnavailable("the vector store does not answer")
    documents, chunks = assistant.catalog.counts()
    assistant.embedder.embed_query("ready?")  # the model answers (cached after the first call)
    return {"model": assistant.embedder.name, "documents": documents, "chunks": chunks}


def ask_with_history(assistant: Assistant, question: str, history: list[Turn], filters: Filters | None) -> Answer:
    """Answer `question` as the next turn after `history`, keeping nothing afterwards."""
    if "history" in inspect.signature(assistant.ask).parameters:
        return assistant.ask(question, filters=filters, history=history)
    store = assistant.conversations
    conversation_id = store.ensure(None)
    try:
        for turn in history:
            store.append(conversation_id, turn)
        answer = assistant.ask(question, conversation_id=conversation_id, filters=filters)
    finally:
        store.delete(conversation_id)
    answer.conversation_id = None
    return answer


def get_conversation(assistant: Assistant, conversation_id: str) -> dict[str, Any]:
    """{"id", "created_at", "turns": [Turn as dict]}; ConversationNotFound if unknown."""
    if hasattr(assistant, "get_conversation"):
        return assistant.get_conversation(conversation_id)
    return assistant.conversations.get(conversation_id)


def delete_conversation(assistant: Assistant, conversation_id: str) -> None:
    if hasattr(assistant, "delete_conversation"):
        assistant.delete_conversation(conversation_id)
    else:
        assistant.conversations.delete(conversation_id)
