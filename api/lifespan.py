"""The app's lifespan: build the one Assistant, bring the index up to date, close it.

In: the Settings (and, in tests, an already loaded embedder or a whole Assistant to
share). Out: `app.state.assistant`, which `deps.get_assistant` hands to routes. The
paths in `settings.ingest_on_start` (the CLI passes corpus/) are ingested before the
server accepts requests; ingest is incremental, so an unchanged corpus costs a hash of
each file. An Assistant passed in is used but not closed: its owner closes it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI

from assistant.config import Settings
from assistant.pipeline import Assistant

log = logging.getLogger("api")


def lifespan_for(settings: Settings, assistant: Assistant | None = None, embedder: Any = None):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = assistant is None
        built = assistant or await to_thread.run_sync(lambda: Assistant(settings, embedder=embedder))
        try:
            if settings.ingest_on_start:
                report = await to_thread.run_sync(lambda: built.ingest(list(settings.ingest_on_start)))
                log.info(
                    "start-up ingest of %s: %d added, %d updated, %d unchanged, %d removed, %d failed (%.1f s)",
                    ", ".join(str(p) for p in settings.ingest_on_start), report.count("added"),
                    report.count("updated"), report.count("unchanged"), report.count("removed"),
                    len(report.failed), report.seconds,
                )
                for failed in report.failed:
                    log.warning("not ingested: %s: %s", failed.path, failed.error)
            app.state.assistant = built
            yield
        finally:
            app.state.assistant = None
            if owned:
                built.close()

    return lifespan
