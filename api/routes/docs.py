"""`GET /docs`: the interactive OpenAPI page, served from local files only.

FastAPI's default /docs and /redoc pages make the browser fetch Swagger UI from a CDN;
this app turns them off. When the `fastapi-offline` package (which ships Swagger UI 5
as static files) is installed, /docs serves those files from this server; without it
there is no /docs page, and /openapi.json remains the documentation.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static/docs"


def _assets() -> Path | None:
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install_docs(app: FastAPI) -> None:
    assets = _assets()
    if assets is None:
        return
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js", swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        )

    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")
