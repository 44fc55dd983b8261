"""A local HTTP server that replays providers' answers from fixture files, scripted per route.

A route is a path (percent-decoded) and optionally query parameters that must match; it answers with its
replies in order, repeating the last one. ``{base}`` in a body or header becomes the server's own URL, so
pagination links point back at it. Replies can be delayed (client timeouts), truncated (cut JSON) or
anything else a provider may send. Every request is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    on_request: Callable[[], None] | None = None  # runs when the request arrives (e.g. to signal the client)


def fixture(name: str, status: int = 200, **kwargs: object) -> Reply:
    """A reply whose body is the fixture file ``name`` (under tests/ingest/fixtures)."""
    return Reply(status=status, body=(FIXTURES / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


def truncated(name: str, keep: float = 0.5) -> Reply:
    """The first part of a fixture, as a proxy that cut the body would deliver it (Content-Length agrees)."""
    body = (FIXTURES / name).read_bytes()
    return Reply(body=body[: int(len(body) * keep)])


@dataclass
class Seen:
    """A request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_target: str


@dataclass
class _Route:
    path: str
    query: dict[str, str]
    replies: list[Reply]
    served: int = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class ReplayServer:
    """Serves scripted replies on 127.0.0.1 from a thread; use ``running()``."""

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        """Answer GET ``path`` (and ``query``, a subset that must match) with ``replies`` in order."""
        self.routes.append(_Route(path, dict(query or {}), list(replies)))

    def hits(self, path: str) -> list[Seen]:
        """The requests received for ``path``."""
        return [r for r in self.requests if r.path == path]

    def _match(self, path: str, query: dict[str, str]) -> Reply:
        candidates = [
            r for r in self.routes if r.path == path and all(query.get(k) == v for k, v in r.query.items())
        ]
        if not candidates:
            return Reply(status=404, body=b'{"message": "Not Found"}')
        return max(candidates, key=lambda r: len(r.query)).next_reply()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                with server._lock:
                    server.requests.append(Seen(path, query, dict(self.headers.items()), self.path))
                    reply = server._match(path, query)
                if reply.on_request is not None:
                    reply.on_request()
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body.replace(b"{base}", server.url.encode())
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value.replace("{base}", server.url))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer

            def log_message(self, format: str, *args: object) -> None:
                return None

        return Handler

    @contextmanager
    def running(self) -> Iterator[ReplayServer]:
        """Serve until the block ends."""
        thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join(timeout=5)
