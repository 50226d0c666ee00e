"""Liveness and readiness probes (unauthenticated, not rate limited).

`/healthz`: the process answers. `/readyz`: the lifespan has built the Assistant (model
loaded, start-up ingest done) and the model and the stores answer now; 503 otherwise.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AssistantDep
from api.errors import error_responses
from api.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health()


@router.get("/readyz", response_model=Ready, responses=error_responses(503),
            summary="The model is loaded and the stores are reachable")
def readyz(assistant: AssistantDep) -> Ready:
    return Ready(**assistant.health())
