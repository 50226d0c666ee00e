"""`create_app(settings)`: the API's composition root. Routes live in api/routes/."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.auth import RateLimiter
from api.errors import install_error_handlers
from api.lifespan import lifespan_for
from api.limits import BodyLimitMiddleware
from api.requestlog import RequestLogMiddleware
from api.routes import chat, completions, conversations, documents, health, models, page, search
from api.routes.docs import install_docs
from api.routes.page import STATIC
from assistant.config import Settings
from assistant.pipeline import Assistant


def create_app(settings: Settings, *, assistant: Assistant | None = None, embedder: Any = None) -> FastAPI:
    """`assistant`/`embedder`: pre-built parts to share (tests load the model once)."""
    app = FastAPI(
        title="Battery partnerships assistant", version="1", lifespan=lifespan_for(settings, assistant, embedder),
        description="Grounded answers with verbatim citations over battery-supply partnership documents.",
        docs_url=None, redoc_url=None,  # the CDN-backed defaults; install_docs serves local files
    )
    app.state.settings, app.state.rate_limiter, app.state.write_lock = settings, RateLimiter(), threading.Lock()
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(RequestLogMiddleware)  # added last: outermost, so every response has an id
    for router in (health.router, chat.router, completions.router, models.router, conversations.router,
                   search.router, documents.router, page.router):
        app.include_router(router)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
