"""`POST /v1/search`: ranked passages (hybrid, dense or keyword) with metadata filters."""

from __future__ import annotations

import time

from fastapi import APIRouter

from api.auth import Reader
from api.deps import AssistantDep
from api.errors import error_responses
from api.schemas import SearchRequest, SearchResponse, to_filters

router = APIRouter(prefix="/v1", tags=["search"])


@router.post("/search", response_model=SearchResponse, summary="Ranked passages for a query",
             responses=error_responses(400, 401, 413, 415, 422, 429, 503))
def search(body: SearchRequest, assistant: AssistantDep, _: Reader) -> dict:
    started = time.perf_counter()
    hits = assistant.search(body.query, k=body.k, filters=to_filters(body.filters), mode=body.mode)
    took = round((time.perf_counter() - started) * 1000, 2)
    return {"query": body.query, "mode": body.mode, "hits": [h.to_dict() for h in hits],
            "timings_ms": {"retrieve": took}}
