"""`GET /v1/models` (OpenAI-compatible): the one model this server answers as."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import Reader
from api.errors import error_responses
from api.schemas import MODEL_ID, Model, ModelList

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
CREATED = 1_700_000_000  # a fixed timestamp: the "model" is this service, not a release


@router.get("/models", response_model=ModelList, summary="Models (OpenAI-compatible)",
            responses=error_responses(401, 429))
def list_models(_: Reader) -> ModelList:
    return ModelList(data=[Model(id=MODEL_ID, created=CREATED, owned_by="battery-assistant")])
