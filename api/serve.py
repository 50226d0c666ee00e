"""`serve(settings, host, port)`: what `assistant serve` runs - the app under uvicorn.

Embedded Chroma and the packaged model live in this one process; there is nothing else
to start. The lifespan ingests `settings.ingest_on_start` before the port accepts
requests. With no API keys configured every caller is an admin, so the server then binds
to 127.0.0.1 whatever host was asked for, and says so. Keys are counted, never printed.
Returns a process exit code: 0 after a clean shutdown, 1 if the server could not start.
"""

from __future__ import annotations

import ipaddress
import logging

import uvicorn

from api.auth import auth_enabled, parse_keys
from api.main import create_app
from assistant.config import Settings

log = logging.getLogger("api")
LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_host(settings: Settings, host: str | None) -> str:
    """The host to bind: the one asked for, or 127.0.0.1 when no keys protect the API."""
    wanted = host or settings.host
    if auth_enabled(settings):
        log.info("API keys configured: %d reader, %d admin", len(parse_keys(settings.reader_keys)),
                 len(parse_keys(settings.admin_keys)))
        return wanted
    if not is_loopback(wanted):
        log.warning("no API keys configured: refusing to bind %s; set ASSISTANT_READER_KEYS / "
                    "ASSISTANT_ADMIN_KEYS to serve beyond this machine", wanted)
    log.warning("no API keys configured: every caller is an admin; serving on %s only", LOOPBACK)
    return LOOPBACK


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> int:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("api").setLevel(logging.INFO)
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)  # else: a progress bar per query
    bound = bind_host(settings, host)
    port = settings.port if port is None else port
    server = uvicorn.Server(uvicorn.Config(
        create_app(settings), host=bound, port=port, access_log=False, lifespan="on", log_level="info",
        timeout_graceful_shutdown=10,
    ))
    log.info("starting the chat page and API on http://%s:%d (API schema at /openapi.json, /docs)", bound, port)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits this way when the port cannot be bound
        return int(exc.code or 1)
    except KeyboardInterrupt:
        return 0
    return 0 if server.started else 1
