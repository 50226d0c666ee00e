"""`/v1/conversations/{id}`: read back or delete a conversation's turns."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Reader
from api.deps import AssistantDep
from api.errors import error_responses
from api.schemas import Conversation, Deleted

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("/{conversation_id}", response_model=Conversation, summary="A conversation's turns, oldest first",
            responses=error_responses(401, 404, 429, 503))
def get_conversation(conversation_id: str, assistant: AssistantDep, _: Reader) -> dict:
    conversation = assistant.get_conversation(conversation_id)
    return {"conversation_id": conversation["id"], "created_at": conversation.get("created_at"),
            "turns": conversation["turns"]}


@router.delete("/{conversation_id}", response_model=Deleted, summary="Forget a conversation",
               responses=error_responses(401, 404, 429, 503))
def delete_conversation(conversation_id: str, assistant: AssistantDep, _: Reader) -> Deleted:
    assistant.delete_conversation(conversation_id)
    return Deleted(id=conversation_id)
