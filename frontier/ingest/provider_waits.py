"""The waits providers ask for in their answers' headers: Retry-After (seconds or an HTTP date), else the
rate limit's reset time (X-RateLimit-Reset, epoch seconds)."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx


def parse_retry_after(value: str, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta seconds or an HTTP date); None when unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def provider_wait(headers: httpx.Headers, now: datetime) -> float | None:
    """The wait a provider asks for in its headers: Retry-After first, else the rate-limit reset time."""
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        seconds = parse_retry_after(retry_after, now)
        if seconds is not None:
            return seconds
    reset = headers.get("x-ratelimit-reset")
    if reset is not None and reset.strip().isdigit():
        return max(0.0, float(reset) - now.timestamp())
    return None
