"""The API's own pages: ``/`` (what this server is), ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), with every
script, style and icon served from the package, so they work on a machine without internet access."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
VENDOR = "/static/vendor"

router = APIRouter(include_in_schema=False)


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{head}</head>\n<body>\n{body}</body>\n</html>\n"
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What this server is, and where to go from here (until the web app takes this place)."""
    version = escape(request.app.version)
    return _page(
        "Frontier",
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}</style>\n",
        f"<h1>Frontier {version}</h1>\n"
        "<p>Technology trends, discovery and exploration planning for people who learn by exploring.</p>\n"
        "<ul>\n"
        '<li><a href="/docs">API documentation</a>: try requests '
        "(<em>Authorize</em> with a personal token)</li>\n"
        '<li><a href="/redoc">API reference</a> (ReDoc)</li>\n'
        '<li><a href="/openapi.json">OpenAPI schema</a></li>\n'
        '<li><a href="/health">Health</a> and <a href="/metrics">metrics</a></li>\n'
        "</ul>\n",
    )


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over this server's OpenAPI schema."""
    return _page(
        f"{request.app.title} API",
        f'<link rel="stylesheet" href="{VENDOR}/swagger-ui/swagger-ui.css">\n'
        f'<link rel="icon" type="image/png" href="{VENDOR}/swagger-ui/favicon-32x32.png">\n',
        f'<div id="swagger-ui" data-openapi-url="{escape(request.app.openapi_url or "")}"></div>\n'
        f'<script src="{VENDOR}/swagger-ui/swagger-ui-bundle.js"></script>\n'
        '<script src="/static/docs/swagger-init.js"></script>\n',
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc over this server's OpenAPI schema (system fonts: nothing is fetched from a font service)."""
    return _page(
        f"{request.app.title} API reference",
        "",
        f'<redoc spec-url="{escape(request.app.openapi_url or "")}"></redoc>\n'
        f'<script src="{VENDOR}/redoc/redoc.standalone.js"></script>\n',
    )


def install(app: FastAPI) -> None:
    """Serve the pages and the package's static files."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
