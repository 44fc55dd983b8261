"""The connectors' HTTP client against a local server: retries, provider waits, limits and secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

import httpx
import pytest

from frontier.clock import FixedClock
from frontier.ingest.http import (
    USER_AGENT,
    Credentials,
    FetchError,
    HttpOptions,
    MalformedResponse,
    RateLimitExceeded,
    SourceClient,
    SourceRateLimiter,
    SourceUnreachable,
    open_client,
)
from frontier.ingest.provider_waits import parse_retry_after, provider_wait
from tests.ingest.conftest import API_TOKEN, NOW, Sleeps, nothing_listening
from tests.ingest.replay import ReplayServer, Reply, fixture, truncated

T = TypeVar("T")


def call(
    replay: ReplayServer,
    http: HttpOptions,
    use: Callable[[SourceClient], Awaitable[T]],
    *,
    attempts: int = 3,
    credentials: Credentials | None = None,
    other_origins: tuple[str, ...] = (),
) -> T:
    async def main() -> T:
        async with open_client(
            "test",
            replay.url,
            rate_limit_per_hour=3_600_000,
            attempts=attempts,
            credentials=credentials,
            options=http,
            clock=FixedClock(NOW),
            other_origins=other_origins,
        ) as client:
            return await use(client)

    return asyncio.run(main())


def get_json(path: str, params: dict[str, Any] | None = None) -> Callable[[SourceClient], Awaitable[Any]]:
    async def use(client: SourceClient) -> Any:
        payload, _ = await client.get_json(path, params)
        return payload

    return use


def test_retry_after_seconds_and_http_date_are_read() -> None:
    assert parse_retry_after("7", NOW) == 7.0
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=90), usegmt=True), NOW) == 90.0
    assert parse_retry_after("soon", NOW) is None


def test_rate_limit_reset_header_gives_the_wait_until_that_epoch() -> None:
    reset = int((NOW + timedelta(seconds=42)).timestamp())
    headers = httpx.Headers({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})

    assert provider_wait(headers, NOW) == 42.0


def test_429_waits_exactly_the_retry_after_then_succeeds(
    replay: ReplayServer, http: HttpOptions, sleeps: Sleeps
) -> None:
    replay.route("/x", Reply(status=429, headers={"Retry-After": "7"}), Reply(body=b'{"ok": true}'))

    assert call(replay, http, get_json("/x")) == {"ok": True}
    assert 7.0 in sleeps.calls
    assert len(replay.hits("/x")) == 2


def test_github_403_with_spent_quota_waits_until_the_reset(
    replay: ReplayServer, http: HttpOptions, sleeps: Sleeps
) -> None:
    reset = str(int((NOW + timedelta(seconds=30)).timestamp()))
    spent = fixture(
        "github/rate_limited.json",
        status=403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
    )
    replay.route("/x", spent, Reply(body=b"{}"))

    assert call(replay, http, get_json("/x")) == {}
    assert 30.0 in sleeps.calls


def test_a_wait_longer_than_allowed_fails_fast_without_sleeping(
    replay: ReplayServer, http: HttpOptions, sleeps: Sleeps
) -> None:
    replay.route("/x", Reply(status=429, headers={"Retry-After": "3600"}), Reply(body=b"{}"))

    with pytest.raises(RateLimitExceeded, match="3600 s"):
        call(replay, http, get_json("/x"))
    assert all(s < 3600 for s in sleeps.calls)
    assert len(replay.hits("/x")) == 1


def test_500_is_retried_with_backoff_then_succeeds(
    replay: ReplayServer, http: HttpOptions, sleeps: Sleeps
) -> None:
    replay.route("/x", Reply(status=500), Reply(status=503), Reply(body=b"[1]"))

    assert call(replay, http, get_json("/x")) == [1]
    assert len(replay.hits("/x")) == 3
    assert len(sleeps.calls) == 2 and all(0 <= s <= http.backoff_max_seconds for s in sleeps.calls)


def test_500_every_time_fails_after_the_allowed_attempts(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/x", Reply(status=500))

    with pytest.raises(FetchError, match="failed after 3 attempts: HTTP 500"):
        call(replay, http, get_json("/x"), attempts=3)
    assert len(replay.hits("/x")) == 3


def test_timeout_is_retried_then_fails(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/slow", Reply(body=b"{}", delay=1.0))

    with pytest.raises(FetchError, match="failed after 2 attempts: timed out"):
        call(replay, http, get_json("/slow"), attempts=2)
    assert len(replay.hits("/slow")) == 2


def test_timeout_then_answer_succeeds(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/slow", Reply(body=b"{}", delay=1.0), Reply(body=b'{"late": 1}'))

    assert call(replay, http, get_json("/slow")) == {"late": 1}


def test_4xx_other_than_429_is_not_retried(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/repos/a/b", fixture("github/not_found.json", status=404))

    with pytest.raises(FetchError, match="HTTP 404: Not Found"):
        call(replay, http, get_json("/repos/a/b"))
    assert len(replay.hits("/repos/a/b")) == 1


@pytest.mark.parametrize(
    "reply", [truncated("github/repos_facebook_react.json"), Reply(body=b'{"id": 1,, }')]
)
def test_truncated_or_malformed_json_is_a_clear_error_and_not_retried(
    replay: ReplayServer, http: HttpOptions, reply: Reply
) -> None:
    replay.route("/x", reply)

    with pytest.raises(MalformedResponse, match="invalid JSON"):
        call(replay, http, get_json("/x"))
    assert len(replay.hits("/x")) == 1


def test_requests_carry_the_user_agent_and_bearer_token(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/x", Reply(body=b"{}"))

    call(replay, http, get_json("/x"), credentials=Credentials(API_TOKEN))

    seen = replay.hits("/x")[0]
    assert seen.headers["User-Agent"] == USER_AGENT
    assert seen.headers["Authorization"] == f"Bearer {API_TOKEN}"


def test_credentials_are_never_sent_to_another_allowed_origin(
    replay: ReplayServer, http: HttpOptions
) -> None:
    other = ReplayServer()
    other.route("/pypi/x/json", Reply(body=b"{}"))
    with other.running():
        call(
            replay,
            http,
            get_json(f"{other.url}/pypi/x/json"),
            credentials=Credentials(API_TOKEN),
            other_origins=(other.url,),
        )
    assert "Authorization" not in other.requests[0].headers


def test_links_to_foreign_hosts_are_refused(replay: ReplayServer, http: HttpOptions) -> None:
    with pytest.raises(FetchError, match="not the source's own host"):
        call(replay, http, get_json("https://evil.example/steal"), credentials=Credentials(API_TOKEN))


def test_query_key_never_appears_in_logs_or_errors(
    replay: ReplayServer, http: HttpOptions, caplog: pytest.LogCaptureFixture
) -> None:
    replay.route("/2.3/questions", Reply(status=500))
    caplog.set_level(logging.DEBUG)

    with pytest.raises(FetchError) as raised:
        call(
            replay,
            http,
            get_json("/2.3/questions", {"tagged": "rust"}),
            credentials=Credentials(API_TOKEN, "key"),
        )

    assert replay.hits("/2.3/questions")[0].query["key"] == API_TOKEN  # it was sent...
    assert "/2.3/questions?tagged=rust&key=*** failed after 3 attempts" in str(raised.value)
    assert API_TOKEN not in str(raised.value) and API_TOKEN not in repr(raised.value)
    assert "HTTP Request" in caplog.text  # httpx logged the requests...
    assert API_TOKEN not in caplog.text  # ...without the key


def test_credentials_repr_hides_the_token() -> None:
    assert API_TOKEN not in repr(Credentials(API_TOKEN))


def test_pauses_hold_every_request_of_the_source(
    replay: ReplayServer, http: HttpOptions, sleeps: Sleeps
) -> None:
    replay.route("/x", Reply(body=b"{}"))

    async def use(client: SourceClient) -> None:
        client.pause_for(10)
        await asyncio.gather(*(client.get("/x") for _ in range(3)))

    call(replay, http, use)
    assert sleeps.calls == [10.0]  # one request waited it out; the others queued behind it


def test_each_source_has_its_own_limiter(http: HttpOptions) -> None:
    async def limiters() -> tuple[int | None, int | None, bool]:
        async with (
            open_client("a", "http://a.test", rate_limit_per_hour=5000, attempts=1, options=http) as a,
            open_client("b", "http://b.test", rate_limit_per_hour=300, attempts=1, options=http) as b,
        ):
            return a.limiter.rate_per_hour, b.limiter.rate_per_hour, a.limiter is b.limiter

    assert asyncio.run(limiters()) == (5000, 300, False)


@pytest.mark.parametrize("rate_per_hour", [1, 30, 60, 5000])
def test_the_limiter_admits_a_first_request_at_any_rate(http: HttpOptions, rate_per_hour: int) -> None:
    limiter = SourceRateLimiter(rate_per_hour, clock=FixedClock(NOW), sleep=http.sleep, max_pause_seconds=60)

    asyncio.run(asyncio.wait_for(limiter.acquire(), timeout=2))


def test_retry_after_date_in_the_past_means_no_wait() -> None:
    past = format_datetime(NOW - timedelta(seconds=5), usegmt=True)
    assert parse_retry_after(past, NOW) == 0.0
    assert datetime(2026, 1, 1, tzinfo=UTC) < NOW


def test_a_host_refusing_connections_is_given_up_after_a_few_tries_and_never_asked_again(
    sleeps: Sleeps,
) -> None:
    url = nothing_listening()
    http = HttpOptions(timeout_seconds=2, sleep=sleeps, unreachable_after=3)

    async def main() -> list[str]:
        async with open_client(
            "offline-source", url, rate_limit_per_hour=None, attempts=10, options=http, clock=FixedClock(NOW)
        ) as client:
            failures = []
            for path in ("/a", "/b", "/c", "/d"):
                with pytest.raises(SourceUnreachable) as caught:
                    await client.get(path)
                failures.append(str(caught.value))
            return failures

    failures = asyncio.run(main())

    assert len(sleeps.calls) == 2  # three connections in all (not ten per request), then no more waiting
    host = url.removeprefix("http://")
    assert failures[0] == failures[-1]
    assert f"source 'offline-source' is unreachable: {host} refused the connection" in failures[0]
    assert "check the network connection" in failures[0]


def test_a_timeout_waiting_for_an_answer_keeps_its_retries(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/slow", Reply(delay=1.0))

    with pytest.raises(FetchError, match="failed after 5 attempts") as caught:
        call(
            replay,
            HttpOptions(timeout_seconds=0.2, sleep=http.sleep, unreachable_after=2),
            get_json("/slow"),
            attempts=5,
        )

    assert not isinstance(caught.value, SourceUnreachable)
