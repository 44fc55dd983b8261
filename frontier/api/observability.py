"""Request ids, structured request logs and Prometheus metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from frontier.api.problems import problem

log = logging.getLogger("frontier.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class Metrics:
    """The app's metrics, in a registry of its own so that several apps (tests) don't collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "frontier_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "frontier_http_request_duration_seconds",
            "Time to answer",
            ["method", "route"],
            registry=self.registry,
        )

    def exposition(self) -> Response:
        """The metrics in Prometheus text format."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _route_template(request: Request) -> str:
    # Label by route template (/api/v1/technologies/{slug}), never by raw path: bounded cardinality.
    # The router records the route that answered in scope["route"]; matching app.router.routes again
    # misses every route of an included router (FastAPI nests them in one entry that has no path).
    path = getattr(request.scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else "unmatched"


def install(app: FastAPI, metrics: Metrics) -> None:
    """Give every response an X-Request-ID, log it, and count it."""

    @app.middleware("http")
    async def _observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        supplied = request.headers.get("x-request-id", "")
        request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            # Answered here rather than by the app's Exception handler (which runs outside this middleware),
            # so that a 500 too carries its request id and is counted and logged.
            log.exception(
                "unhandled error on %s %s", request.method, request.url.path, extra={"request_id": request_id}
            )
            response = problem(
                500, "Internal server error", "an unexpected error occurred; it has been logged"
            )
        elapsed = time.perf_counter() - started
        route = _route_template(request)
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-ID"] = request_id
        log.info(
            "%s %s %s %.1fms",
            request.method,
            route,
            response.status_code,
            elapsed * 1000,
            extra={"request_id": request_id},
        )
        return response
