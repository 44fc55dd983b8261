"""The one HTTP client of the connectors: timeouts, a User-Agent, a rate limiter per source, retries with
exponential backoff and jitter that honour the provider's own wait instructions, and credentials that never
reach a log line or an error message.

Retried: timeouts, connection errors, 5xx, 429 (and GitHub's 403 with an exhausted quota). A source whose host
can't be reached at all (connection refused, DNS failure, connect timeout) ``unreachable_after`` times in a
row is given up: SourceUnreachable, and every later request of the client fails at once. A provider's wait
(Retry-After in seconds or as an HTTP date, X-RateLimit-Reset in epoch seconds, Stack Exchange's ``backoff``)
pauses every request of the source, not just the one that got it; a wait longer than
``HttpOptions.max_pause_seconds`` fails fast with RateLimitExceeded instead of blocking a worker for hours.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_random_exponential

from frontier import __version__
from frontier.clock import Clock, SystemClock
from frontier.errors import FrontierError
from frontier.ingest.provider_waits import provider_wait
from frontier.ingest.redaction import Redactor, scrubbed_http_logs

log = logging.getLogger(__name__)

USER_AGENT = f"Frontier/{__version__}"
Sleep = Callable[[float], Awaitable[None]]


class FetchError(FrontierError):
    """A request failed for good (after its retries), or its answer can't be used."""


class MalformedResponse(FetchError):
    """The provider answered, but not with what its documented format promises (bad or truncated JSON)."""


class RateLimitExceeded(FetchError):
    """The provider asked us to wait longer than we are allowed to block."""


class SourceUnreachable(FetchError):
    """The source's host refused or never answered the connection, several times in a row."""


class _Retryable(Exception):
    """An attempt that is worth trying again; ``retry_after`` is the provider's wait, if it named one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class HttpOptions:
    """Client settings: timeout, longest pause accepted, backoff, and the sleep for waits (injectable)."""

    timeout_seconds: float = 30.0
    max_pause_seconds: float = 900.0
    backoff_multiplier: float = 1.0
    backoff_max_seconds: float = 60.0
    unreachable_after: int = 3  # consecutive failed connections (not HTTP errors) that end the run
    sleep: Sleep = asyncio.sleep


@dataclass(frozen=True)
class Credentials:
    """A decrypted API key and how it is sent: a ``key=`` style query parameter, else a Bearer header."""

    token: str | None = None
    query_parameter: str | None = None

    def __repr__(self) -> str:
        return f"Credentials(token={'***' if self.token else None}, query_parameter={self.query_parameter!r})"


def _quota_exhausted(response: httpx.Response) -> bool:
    # GitHub answers 403 (not 429) when the primary quota is spent, and for secondary limits with Retry-After.
    if response.status_code != 403:
        return False
    return response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers


class SourceRateLimiter:
    """Client-side limit of one source: a leaky bucket of ``rate_limit_per_hour`` (aiolimiter, refilled per
    minute so a restart cannot burst a whole hour's quota), plus pauses the provider orders, shared by all
    requests of the source."""

    def __init__(
        self, rate_per_hour: int | None, *, clock: Clock, sleep: Sleep, max_pause_seconds: float
    ) -> None:
        self._bucket = _bucket(rate_per_hour) if rate_per_hour else None
        self._clock = clock
        self._sleep = sleep
        self._max_pause = max_pause_seconds
        self._resume_at: float | None = None
        self._pause_lock = asyncio.Lock()
        self.rate_per_hour = rate_per_hour

    def pause_for(self, seconds: float) -> None:
        """Hold every request of this source for ``seconds`` (the longest pause asked for wins)."""
        resume = self._clock.now().timestamp() + max(0.0, seconds)
        self._resume_at = resume if self._resume_at is None else max(self._resume_at, resume)

    async def acquire(self) -> None:
        """Wait out a pending pause, then take a slot; RateLimitExceeded if the pause is too long."""
        async with self._pause_lock:  # one request sleeps out a pause; the others queue behind it
            if self._resume_at is not None:
                delay = self._resume_at - self._clock.now().timestamp()
                if delay > self._max_pause:
                    raise RateLimitExceeded(
                        f"the provider asks to wait {delay:.0f} s, more than the {self._max_pause:.0f} s "
                        "allowed; run again later"
                    )
                self._resume_at = None
                if delay > 0:
                    await self._sleep(delay)
        if self._bucket is not None:
            await self._bucket.acquire()


def _bucket(rate_per_hour: int) -> AsyncLimiter:
    # aiolimiter refuses to acquire more than its capacity: below 60/hour, one request per interval instead.
    if rate_per_hour >= 60:
        return AsyncLimiter(rate_per_hour / 60, 60)
    return AsyncLimiter(1, 3600 / rate_per_hour)


@dataclass
class _Timings:
    total_ms: float = 0.0
    count: int = 0

    def add(self, started: float) -> None:
        self.total_ms += (time.monotonic() - started) * 1000
        self.count += 1


@dataclass
class SourceClient:
    """GET requests to one source, with its limiter, retries and credentials. Make it with ``open_client``."""

    name: str
    base_url: str
    http: httpx.AsyncClient
    limiter: SourceRateLimiter
    options: HttpOptions
    attempts: int
    clock: Clock
    credentials: Credentials = field(default_factory=Credentials)
    redact: Redactor = field(default_factory=lambda: Redactor([]))
    other_origins: tuple[str, ...] = ()
    timings: _Timings = field(default_factory=_Timings)
    connect_failures: int = 0
    unreachable: SourceUnreachable | None = None
    _last_failure: str = ""

    @property
    def average_response_ms(self) -> int | None:
        """Mean time of the answered requests so far, in whole milliseconds."""
        return round(self.timings.total_ms / self.timings.count) if self.timings.count else None

    def pause_for(self, seconds: float) -> None:
        """Hold this source's next requests (e.g. Stack Exchange's ``backoff`` field)."""
        self.limiter.pause_for(seconds)

    def show(self, url: str | httpx.URL) -> str:
        """A URL as it may appear in messages: secrets replaced."""
        return self.redact(str(url))

    async def get(
        self, target: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """GET a path of the source (or an absolute URL of an allowed origin), retried; FetchError on failure.

        Credentials go only to the source's own origin (base_url), never to other allowed origins."""
        url = self._resolve(target)
        query = dict(params or {})
        own_origin = _origin(url) == _origin(httpx.URL(self.base_url))
        if own_origin and self.credentials.token and self.credentials.query_parameter:
            query[self.credentials.query_parameter] = self.credentials.token
        url = url.copy_merge_params(query)  # a pagination link keeps its own query; ours is added to it
        headers = dict(headers or {})
        if own_origin and self.credentials.token and not self.credentials.query_parameter:
            headers["Authorization"] = f"Bearer {self.credentials.token}"
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.attempts)),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            sleep=self.options.sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(url, headers)
        except _Retryable as error:
            raise FetchError(
                f"{self.name}: GET {self.show(url)} failed after {self.attempts} attempts: {error}"
            ) from None
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def get_json(
        self, target: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[Any, httpx.Response]:
        """GET and decode JSON; MalformedResponse (never retried) when the body isn't valid JSON."""
        response = await self.get(target, params, headers)
        try:
            return response.json(), response
        except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError
            raise MalformedResponse(
                f"{self.name}: GET {self.show(response.request.url)} returned invalid JSON "
                f"(truncated or malformed): {self.redact(str(error))}"
            ) from None

    def _resolve(self, target: str) -> httpx.URL:
        if not target.startswith(("http://", "https://")):
            return httpx.URL(self.base_url.rstrip("/") + "/" + target.lstrip("/"))
        url = httpx.URL(target)
        allowed = {_origin(httpx.URL(self.base_url)), *(_origin(httpx.URL(o)) for o in self.other_origins)}
        if _origin(url) not in allowed:  # a pagination link must never take our credentials elsewhere
            raise FetchError(f"{self.name}: refusing to follow {self.show(url)}: not the source's own host")
        return url

    async def _once(self, url: httpx.URL, headers: dict[str, str]) -> httpx.Response:
        if self.unreachable is not None:  # no point asking a host that refused the last connections
            raise self.unreachable
        await self.limiter.acquire()
        started = time.monotonic()
        try:
            response = await self.http.get(url, headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise self._connect_failed(url, error) from None
        except httpx.TimeoutException:
            raise _Retryable(f"timed out after {self.options.timeout_seconds:g} s") from None
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({type(error).__name__})") from None
        self.connect_failures = 0
        self.timings.add(started)
        status = response.status_code
        if status == 429 or _quota_exhausted(response) or status >= 500:
            wait = provider_wait(response.headers, self.clock.now())
            if wait is not None:
                self.limiter.pause_for(wait)
            kind = "rate limited" if status in (403, 429) else "server error"
            raise _Retryable(f"HTTP {status} ({kind})", retry_after=wait)
        if status >= 400:
            raise FetchError(
                f"{self.name}: GET {self.show(url)} returned HTTP {status}{self._detail(response)}"
            )
        return response

    def _connect_failed(self, url: httpx.URL, error: httpx.TransportError) -> Exception:
        """A retryable failure, or SourceUnreachable after ``unreachable_after`` failures in a row."""
        self.connect_failures += 1
        host = url.host if url.port is None else f"{url.host}:{url.port}"
        self._last_failure = f"{host} {_connect_reason(error, self.options.timeout_seconds)}"
        if self.connect_failures < max(1, self.options.unreachable_after):
            return _Retryable(self._last_failure)
        return self.give_up()

    def give_up(self) -> SourceUnreachable:
        """SourceUnreachable for the last failed connection; every later request fails with it at once."""
        self.unreachable = SourceUnreachable(
            f"source '{self.name}' is unreachable: {self._last_failure} ({self.connect_failures} attempts in "
            "a row); check the network connection, DNS and proxy settings, and the source's base_url"
        )
        return self.unreachable

    def unreachable_verdict(self) -> SourceUnreachable | None:
        """After a fetch: SourceUnreachable if given up, or if it never answered and connections failed."""
        if self.unreachable is None and self.connect_failures and not self.timings.count:
            return self.give_up()
        return self.unreachable

    def _detail(self, response: httpx.Response) -> str:
        try:
            payload = response.json()
        except ValueError:
            return ""
        if isinstance(payload, dict):
            message = payload.get("message") or payload.get("error_message") or payload.get("error")
            if isinstance(message, str):
                return f": {self.redact(message[:200])}"
        return ""

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return 0.0  # the limiter's pause holds the next attempt for exactly the provider's wait
        backoff = wait_random_exponential(
            multiplier=self.options.backoff_multiplier, max=self.options.backoff_max_seconds
        )
        return float(backoff(state))

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.warning(
            "%s: attempt %d of %d failed (%s); retrying",
            self.name,
            state.attempt_number,
            self.attempts,
            self.redact(str(error)),
        )


def _connect_reason(error: httpx.TransportError, timeout_seconds: float) -> str:
    if isinstance(error, httpx.ConnectTimeout):
        return f"did not accept a connection within {timeout_seconds:g} s"
    cause: BaseException | None = error
    while cause is not None:  # httpx wraps httpcore's error, which wraps the socket's
        if isinstance(cause, socket.gaierror):
            return "could not be resolved (DNS lookup failed)"
        if isinstance(cause, ConnectionRefusedError):
            return "refused the connection"
        cause = cause.__cause__ or cause.__context__
    return f"could not be connected to ({error or type(error).__name__})"


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


@asynccontextmanager
async def open_client(
    name: str,
    base_url: str,
    *,
    rate_limit_per_hour: int | None,
    attempts: int,
    credentials: Credentials | None = None,
    options: HttpOptions | None = None,
    clock: Clock | None = None,
    other_origins: Sequence[str] = (),
) -> AsyncIterator[SourceClient]:
    """The one factory of connector clients: an httpx.AsyncClient with timeouts and Frontier's User-Agent,
    the source's own limiter, and ``attempts`` tries per request. Secrets are scrubbed from HTTP logs while
    it is open."""
    options = options or HttpOptions()
    clock = clock or SystemClock()
    credentials = credentials or Credentials()
    redact = Redactor([credentials.token])
    limiter = SourceRateLimiter(
        rate_limit_per_hour, clock=clock, sleep=options.sleep, max_pause_seconds=options.max_pause_seconds
    )
    with scrubbed_http_logs(redact):
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(options.timeout_seconds),
            headers={"User-Agent": USER_AGENT},
            # GitHub answers a renamed repository with 301; httpx drops the Authorization header across hosts.
            follow_redirects=True,
        ) as http:
            yield SourceClient(
                name=name,
                base_url=base_url,
                http=http,
                limiter=limiter,
                options=options,
                attempts=attempts,
                clock=clock,
                credentials=credentials,
                redact=redact,
                other_origins=tuple(other_origins),
            )
