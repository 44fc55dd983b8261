"""Secrets never reach a log line or an error message: a Redactor replaces every known secret with ``***``,
and while a client is open the HTTP libraries' loggers pass through it."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx

REDACTED = "***"
# Loggers that may print request URLs (httpx logs every request at INFO, query string included).
_HTTP_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy")


class Redactor:
    """Replaces every secret it knows with ``***`` in a text."""

    def __init__(self, secrets: Sequence[str | None]) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)


class _RedactingFilter(logging.Filter):
    """Scrubs secrets from records of the HTTP libraries' loggers before any handler formats them."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._redact(str(a)) if isinstance(a, str | httpx.URL | bytes) else a for a in record.args
            )
        return True


@contextmanager
def scrubbed_http_logs(redact: Redactor) -> Iterator[None]:
    """While the block runs, the HTTP libraries' log records are redacted before any handler formats them."""
    scrub = _RedactingFilter(redact)
    loggers = [logging.getLogger(n) for n in _HTTP_LOGGERS] if redact else []
    for logger in loggers:
        logger.addFilter(scrub)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(scrub)
