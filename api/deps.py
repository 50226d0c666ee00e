"""Typed dependencies the routes declare: the settings and the one Assistant.

Both live on `app.state`, put there by `create_app` and its lifespan; nothing is built
at import time. Tests override `get_settings` through `app.dependency_overrides`.
The dependencies are `async` because they never block: no thread-pool hop per request.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from api.errors import NotReady
from assistant.config import Settings
from assistant.pipeline import Assistant


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_assistant(request: Request) -> Assistant:
    assistant = getattr(request.app.state, "assistant", None)
    if assistant is None:
        raise NotReady("the assistant is starting up; retry in a moment")
    return assistant


async def get_write_lock(request: Request) -> threading.Lock:
    """Uploads and deletions move files and re-index: one at a time."""
    return request.app.state.write_lock


SettingsDep = Annotated[Settings, Depends(get_settings)]
AssistantDep = Annotated[Assistant, Depends(get_assistant)]
WriteLock = Annotated[threading.Lock, Depends(get_write_lock)]
