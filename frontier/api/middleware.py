"""Request-level protections and HTTP caching: body size limit, client address, security headers, ETags."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontier.api.problems import problem
from frontier.security.client import TrustedProxies


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413, whether or not Content-Length is honest.

    The body is read here, up to the limit, before the app sees it: a streamed (chunked) body that goes over
    is refused before any route runs. Raising from inside the app's ``receive`` instead would not work:
    FastAPI turns any error while reading a body into 400 "There was an error parsing the body".
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: there is no one to answer
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: Message | None = {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                message, body = body, None
                return message
            return await receive()  # after the body: wait for the disconnect, as the server would say it

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "Content too large", f"request bodies are limited to {self.max_bytes} bytes")
        await response(scope, receive, send)


# JSON, feeds and files run no script and are never framed; HTML pages (the API docs, later the web app) load
# scripts, styles and fonts from this server only. Swagger UI and ReDoc set inline styles; ReDoc searches in a
# blob: worker.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Answers about one person: never stored by a browser or proxy cache (shared computers, CDNs).
PRIVATE_PATHS = ("/api/v1/me", "/api/v1/admin", "/api/v1/auth", "/feeds/")


def is_private(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether a request is a person's own: a private path, or one that carries credentials."""
    return path.startswith(PRIVATE_PATHS) or any(name in (b"authorization", b"cookie") for name, _ in headers)


class SecurityHeaders:
    """Security headers on every answer (errors and refusals too); ``no-store`` on private ones."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = is_private(scope["path"], scope["headers"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                headers["Content-Security-Policy"] = PAGE_CSP if html else API_CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"  # feed URLs carry a token in their path
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=31536000"
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, trusted: TrustedProxies, max_body_bytes: int) -> None:
    """Add the body limit, client address resolution and ETags to the app."""

    @app.middleware("http")
    async def _address_and_etag(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        peer = request.client.host if request.client else None
        request.state.client_address = trusted.client_address(peer, request.headers)
        response = await call_next(request)
        public = not is_private(request.url.path, request.scope["headers"])
        if (
            public
            and request.method == "GET"
            and response.status_code == 200
            and request.url.path.startswith("/api/")
        ):
            return await _with_etag(request, response)
        return response

    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)


async def _with_etag(request: Request, response: Response) -> Response:
    # Answers are small JSON documents: hashing the body gives a validator without a per-route version.
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "etag")}
    headers["ETag"] = etag
    headers["Cache-Control"] = "public, no-cache"
    headers["Vary"] = "Authorization, Cookie"
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(
            status_code=304, headers={k: v for k, v in headers.items() if k.lower() != "content-type"}
        )
    return Response(body, status_code=200, headers=headers, media_type=response.media_type)
