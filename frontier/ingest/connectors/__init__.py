"""Connectors: one module per provider, one interface (``Connector``), chosen by the source's type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from frontier.errors import ConfigurationError
from frontier.ingest.connectors.base import (
    Connector,
    ConnectorContext,
    FeedEntry,
    FetchProgress,
    FetchResult,
    ItemError,
    NoProgress,
    SyncSettings,
    TechnologyKeys,
)
from frontier.ingest.connectors.feeds import FeedConnector, fetch_feed, parse_feed
from frontier.ingest.connectors.github import GitHubConnector
from frontier.ingest.connectors.hn_jobs import HackerNewsJobsConnector
from frontier.ingest.connectors.npm import NpmConnector
from frontier.ingest.connectors.pypi import DEFAULT_PYPI_URL, PyPIConnector
from frontier.ingest.connectors.stackoverflow import StackOverflowConnector

__all__ = [
    "CONNECTORS",
    "Connector",
    "ConnectorContext",
    "ConnectorKind",
    "FeedEntry",
    "FetchProgress",
    "FetchResult",
    "ItemError",
    "NoProgress",
    "SyncSettings",
    "TechnologyKeys",
    "connector_kind",
    "fetch_feed",
    "parse_feed",
]


@dataclass(frozen=True)
class ConnectorKind:
    """How to build a source type's connector: its class, where an API key goes, and any other hosts it
    reads (credentials are only ever sent to the source's own base_url)."""

    make: Callable[[ConnectorContext], Connector]
    source: str
    api_key_query_parameter: str | None = None
    other_origins: Callable[[Mapping[str, Any]], list[str]] = lambda options: []

    @property
    def data_types(self) -> tuple[str, ...]:
        """What its connector can sync (data_sync_jobs.data_types_to_sync picks among these)."""
        types: tuple[str, ...] = getattr(self.make, "data_types", ())
        return types


CONNECTORS: dict[str, ConnectorKind] = {
    "github_api": ConnectorKind(GitHubConnector, "github"),
    "stackoverflow_api": ConnectorKind(
        StackOverflowConnector, "stackoverflow", api_key_query_parameter="key"
    ),
    "pypi_api": ConnectorKind(
        PyPIConnector, "pypi", other_origins=lambda options: [str(options.get("pypi_url", DEFAULT_PYPI_URL))]
    ),
    "npm_api": ConnectorKind(NpmConnector, "npm"),
    "job_board_api": ConnectorKind(HackerNewsJobsConnector, "hn_jobs"),
    "rss_feed": ConnectorKind(
        FeedConnector, "rss", other_origins=lambda options: [str(f) for f in options.get("feeds", [])]
    ),
}


def connector_kind(source_type: str) -> ConnectorKind:
    """The connector kind of a source type; ConfigurationError when none exists."""
    kind = CONNECTORS.get(source_type)
    if kind is None:
        raise ConfigurationError(f"no connector for source type '{source_type}'")
    return kind
