"""Each connector against the replay server, in its provider's real answer format: the real client runs."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from frontier.clock import FixedClock
from frontier.ingest.connectors import (
    CONNECTORS,
    ConnectorContext,
    FetchResult,
    SyncSettings,
    TechnologyKeys,
    connector_kind,
)
from frontier.ingest.connectors.feeds import parse_feed
from frontier.ingest.connectors.hn_jobs import mention_pattern, plain_text
from frontier.ingest.connectors.npm import ranges
from frontier.ingest.http import Credentials, HttpOptions, open_client
from frontier.ingest.observations import ObservationRecord
from tests.ingest.conftest import API_TOKEN, NOW
from tests.ingest.replay import FIXTURES, ReplayServer, Reply, fixture, truncated

RUST = TechnologyKeys(
    uuid.uuid4(), "rust", "Rust", github_language="Rust", github_topics=("rust",), stackoverflow_tag="rust"
)
REACT = TechnologyKeys(
    uuid.uuid4(),
    "react",
    "React",
    github_topics=("react", "reactjs"),
    github_repositories=("facebook/react",),
    stackoverflow_tag="reactjs",
    npm_packages=("react", "react-dom"),
    search_terms=("React", "React.js", "ReactJS"),
)
NEXTJS = TechnologyKeys(
    uuid.uuid4(), "nextjs", "Next.js", github_repositories=("zeit/next.js", "vercel/next.js")
)
PYTHON = TechnologyKeys(
    uuid.uuid4(),
    "python",
    "Python",
    stackoverflow_tag="python",
    search_terms=("Python programming language", "Python"),
)
CPP = TechnologyKeys(uuid.uuid4(), "cpp", "C++", stackoverflow_tag="c++")
DJANGO = TechnologyKeys(uuid.uuid4(), "django", "Django", pypi_packages=("Django",))
KUBERNETES = TechnologyKeys(uuid.uuid4(), "kubernetes", "Kubernetes", search_terms=("Kubernetes", "k8s"))
GO = TechnologyKeys(uuid.uuid4(), "go", "Go", search_terms=("Golang", "Go programming language"))

SINCE, UNTIL = date(2026, 9, 16), date(2026, 11, 15)  # finished months: September, October


def fetch(
    replay: ReplayServer,
    http: HttpOptions,
    source_type: str,
    technologies: Sequence[TechnologyKeys],
    *,
    data_types: set[str] | None = None,
    options: dict[str, Any] | None = None,
    batch_size: int = 100,
    token: str | None = None,
    since: date = SINCE,
    until: date = UNTIL,
) -> FetchResult:
    kind = connector_kind(source_type)
    options = options or {}

    async def main() -> FetchResult:
        async with open_client(
            source_type,
            replay.url,
            rate_limit_per_hour=3_600_000,
            attempts=2,
            credentials=Credentials(token, kind.api_key_query_parameter),
            options=http,
            clock=FixedClock(NOW),
            other_origins=kind.other_origins(options),
        ) as client:
            settings = SyncSettings(
                batch_size=batch_size, data_types=frozenset(data_types) if data_types else None
            )
            context = ConnectorContext(client=client, settings=settings, options=options)
            return await kind.make(context).fetch(technologies, since, until)

    return asyncio.run(main())


def values(result: FetchResult, metric: str, technology: TechnologyKeys | None = None) -> dict[date, float]:
    return {
        r.period_start: r.value
        for r in result.records
        if r.metric == metric and (technology is None or r.technology_id == technology.id)
    }


def by(result: FetchResult, predicate: Callable[[ObservationRecord], bool]) -> list[ObservationRecord]:
    return [r for r in result.records if predicate(r)]


def test_every_source_type_has_a_connector() -> None:
    assert set(CONNECTORS) == {
        "github_api",
        "stackoverflow_api",
        "pypi_api",
        "npm_api",
        "job_board_api",
        "rss_feed",
    }


# --- GitHub ---------------------------------------------------------------------------------------------


def test_github_repository_snapshot_counts_a_renamed_repository_once(
    replay: ReplayServer, http: HttpOptions
) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    replay.route(
        "/repos/zeit/next.js", Reply(status=301, headers={"Location": "{base}/repos/vercel/next.js"})
    )
    replay.route("/repos/vercel/next.js", fixture("github/repos_vercel_next.js.json"))

    result = fetch(replay, http, "github_api", [REACT, NEXTJS], data_types={"repositories"}, token=API_TOKEN)

    assert result.status == "success"
    assert values(result, "stars", REACT) == {UNTIL: 241000.0}
    assert values(result, "stars", NEXTJS) == {UNTIL: 135000.0}  # zeit/next.js redirects to vercel/next.js
    assert values(result, "open_issues", REACT) == {UNTIL: 1012.0}
    assert all(r.granularity == "day" for r in result.records)
    assert replay.hits("/repos/facebook/react")[0].headers["Authorization"] == f"Bearer {API_TOKEN}"


def test_github_language_search_follows_link_pagination(replay: ReplayServer, http: HttpOptions) -> None:
    query = {"q": 'language:"Rust"', "sort": "stars"}
    next_page = "<{base}/search/repositories?q=language%3A%22Rust%22&sort=stars&order=desc&per_page=2&page=2>"
    replay.route(
        "/search/repositories",
        fixture(
            "github/search_language_rust_page1.json",
            headers={"Link": f'{next_page}; rel="next", {next_page}; rel="last"'},
        ),
        query=query,
    )
    replay.route(
        "/search/repositories",
        fixture("github/search_language_rust_page2.json"),
        query={**query, "page": "2"},
    )

    result = fetch(replay, http, "github_api", [RUST], data_types={"languages"}, options={"per_page": 2})

    assert result.status == "success"
    assert values(result, "top100_stars", RUST) == {UNTIL: 106000.0 + 103000.0 + 95000.0}
    assert values(result, "top100_forks", RUST) == {UNTIL: 14000.0 + 5600.0 + 2900.0}
    assert len(replay.hits("/search/repositories")) == 2


def test_github_topic_and_new_repository_counts(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route(
        "/search/repositories", fixture("github/search_topic_react.json"), query={"q": "topic:react"}
    )
    replay.route("/search/repositories", fixture("github/search_topic_react.json"), query={"q": "topic:rust"})
    replay.route(
        "/search/repositories",
        fixture("github/search_created.json"),
        query={"q": 'language:"Rust" created:2026-09-01..2026-09-30'},
    )
    replay.route(
        "/search/repositories",
        fixture("github/search_created.json"),
        query={"q": 'language:"Rust" created:2026-10-01..2026-10-31'},
    )
    replay.route(
        "/search/repositories",
        fixture("github/search_created.json"),
        query={"q": "topic:react created:2026-09-01..2026-09-30"},
    )
    replay.route(
        "/search/repositories",
        fixture("github/search_created.json"),
        query={"q": "topic:react created:2026-10-01..2026-10-31"},
    )

    result = fetch(replay, http, "github_api", [RUST, REACT], data_types={"topics", "new_repositories"})

    assert result.status == "success"
    assert values(result, "topic_repositories", REACT) == {UNTIL: 412345.0}
    assert values(result, "new_repositories", RUST) == {date(2026, 9, 1): 5821.0, date(2026, 10, 1): 5821.0}
    assert {r.granularity for r in by(result, lambda r: r.metric == "new_repositories")} == {"month"}


def test_github_incomplete_search_results_fail_the_item_rather_than_guess(
    replay: ReplayServer, http: HttpOptions
) -> None:
    replay.route("/search/repositories", fixture("github/search_incomplete.json"))

    result = fetch(replay, http, "github_api", [REACT], data_types={"topics"})

    assert result.status == "failed"
    assert "incomplete" in result.errors[0].error


def test_github_missing_repository_fails_only_its_technology(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))

    result = fetch(replay, http, "github_api", [REACT, NEXTJS], data_types={"repositories"})

    assert result.status == "partial_success"
    assert [e.item for e in result.errors] == ["github:repos:nextjs"]
    assert "HTTP 404" in result.errors[0].error
    assert {r.technology_id for r in result.records} == {REACT.id}


def test_truncated_json_fails_the_item_with_a_clear_error(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/repos/facebook/react", truncated("github/repos_facebook_react.json"))

    result = fetch(replay, http, "github_api", [REACT], data_types={"repositories"})

    assert result.status == "failed"
    assert result.records == []
    assert "invalid JSON (truncated or malformed)" in result.errors[0].error


def test_json_of_the_wrong_shape_names_the_bad_field(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/repos/facebook/react", Reply(body=b'{"id": 1, "full_name": "facebook/react"}'))

    result = fetch(replay, http, "github_api", [REACT], data_types={"repositories"})

    assert result.status == "failed"
    assert "unexpected payload at 'stargazers_count'" in result.errors[0].error


# --- Stack Exchange -------------------------------------------------------------------------------------


def test_stackoverflow_questions_per_finished_month(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/2.3/questions", fixture("stackexchange/questions_total.json"))

    result = fetch(
        replay, http, "stackoverflow_api", [PYTHON, CPP], data_types={"questions"}, token="se-app-key"
    )

    assert result.status == "success"
    assert values(result, "questions", PYTHON) == {date(2026, 9, 1): 4211.0, date(2026, 10, 1): 4211.0}
    first = replay.hits("/2.3/questions")[0].query
    assert first["filter"] == "total" and first["site"] == "stackoverflow" and first["key"] == "se-app-key"
    september = next(h.query for h in replay.hits("/2.3/questions") if h.query["tagged"] == "c++")
    assert (september["fromdate"], september["todate"]) == ("1788220800", str(1790812800 - 1))


def test_stackoverflow_backoff_pauses_the_next_request(
    replay: ReplayServer, http: HttpOptions, sleeps: Any
) -> None:
    replay.route("/2.3/questions", fixture("stackexchange/backoff_total.json"))

    result = fetch(replay, http, "stackoverflow_api", [PYTHON], data_types={"questions"})

    assert result.status == "success"
    assert sleeps.calls == [10.0]  # September's answer asked for 10 s; October's request waited them out


def test_stackoverflow_tag_totals_follow_has_more_and_encode_tags(
    replay: ReplayServer, http: HttpOptions
) -> None:
    path = "/2.3/tags/python;reactjs;c++/info"
    replay.route(path, fixture("stackexchange/tags_info_page1.json"), query={"page": "1"})
    replay.route(path, fixture("stackexchange/tags_info_page2.json"), query={"page": "2"})

    result = fetch(replay, http, "stackoverflow_api", [PYTHON, REACT, CPP], data_types={"tag_totals"})

    assert result.status == "success"
    assert values(result, "questions_total", CPP) == {UNTIL: 808000.0}
    assert values(result, "questions_total", REACT) == {UNTIL: 482000.0}
    assert "c%2B%2B" in replay.hits(path)[0].raw_target


def test_stackoverflow_tag_the_site_lacks_is_an_item_error(replay: ReplayServer, http: HttpOptions) -> None:
    path = "/2.3/tags/python;reactjs;c++/info"
    replay.route(path, fixture("stackexchange/tags_info_page2.json"))

    result = fetch(replay, http, "stackoverflow_api", [PYTHON, REACT, CPP], data_types={"tag_totals"})

    assert result.status == "partial_success"
    assert sorted(e.item for e in result.errors) == ["stackoverflow:tag:python", "stackoverflow:tag:reactjs"]


def test_stackoverflow_popular_tags_keep_unknown_names_for_matching(
    replay: ReplayServer, http: HttpOptions
) -> None:
    replay.route("/2.3/tags", fixture("stackexchange/tags_popular.json"), query={"sort": "popular"})

    result = fetch(replay, http, "stackoverflow_api", [PYTHON], data_types={"popular_tags"})

    assert values(result, "questions_total", PYTHON) == {UNTIL: 2219000.0}
    assert sorted(r.name for r in result.records if r.name) == ["c#", "htmx-brand-new", "javascript"]


def test_stackoverflow_batches_follow_the_job_batch_size(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/2.3/tags/python;reactjs/info", fixture("stackexchange/tags_info_page2.json"))
    replay.route("/2.3/tags/c++/info", fixture("stackexchange/tags_info_page2.json"))

    fetch(replay, http, "stackoverflow_api", [PYTHON, REACT, CPP], data_types={"tag_totals"}, batch_size=2)

    assert (
        len(replay.hits("/2.3/tags/python;reactjs/info")) == 1 and len(replay.hits("/2.3/tags/c++/info")) == 1
    )


# --- PyPI -----------------------------------------------------------------------------------------------


def test_pypi_daily_downloads_without_mirrors_and_monthly_releases(
    replay: ReplayServer, http: HttpOptions
) -> None:
    replay.route(
        "/api/packages/django/overall", fixture("pypistats/overall_django.json"), query={"mirrors": "false"}
    )
    replay.route("/pypi/django/json", fixture("pypi/django.json"))

    result = fetch(replay, http, "pypi_api", [DJANGO], options={"pypi_url": replay.url})

    assert result.status == "success"
    downloads = values(result, "downloads", DJANGO)
    assert downloads[date(2026, 11, 12)] == 433210.0  # the with_mirrors row is not counted
    assert len(downloads) == 5
    assert values(result, "releases", DJANGO) == {date(2026, 9, 1): 1.0, date(2026, 10, 1): 2.0}


def test_pypi_day_granularity_sits_beside_month_granularity(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/api/packages/django/overall", fixture("pypistats/overall_django.json"))
    replay.route("/pypi/django/json", fixture("pypi/django.json"))

    result = fetch(replay, http, "pypi_api", [DJANGO], options={"pypi_url": replay.url})

    assert {(r.metric, r.granularity) for r in result.records} == {
        ("downloads", "day"),
        ("releases", "month"),
    }


# --- npm ------------------------------------------------------------------------------------------------


def test_npm_daily_downloads_summed_over_packages(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/downloads/range/2026-11-10:2026-11-14/react", fixture("npm/range_react.json"))
    replay.route("/downloads/range/2026-11-10:2026-11-14/react-dom", fixture("npm/range_react-dom.json"))

    result = fetch(replay, http, "npm_api", [REACT], since=date(2026, 11, 10))

    assert result.status == "success"
    assert values(result, "downloads", REACT)[date(2026, 11, 10)] == 7123456.0 + 6900123.0
    assert len(values(result, "downloads", REACT)) == 5


def test_npm_unknown_package_fails_its_technology(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/downloads/range/2026-11-10:2026-11-14/react", fixture("npm/not_found.json", status=404))

    result = fetch(replay, http, "npm_api", [REACT], since=date(2026, 11, 10))

    assert result.status == "failed"
    assert "package nosuchpackage not found" in result.errors[0].error


def test_npm_long_windows_are_asked_for_in_parts() -> None:
    parts = ranges(date(2024, 1, 1), date(2025, 12, 31))

    assert parts[0] == (date(2024, 1, 1), date(2024, 12, 30)) and parts[-1][1] == date(2025, 12, 31)
    assert all((end - start).days < 365 for start, end in parts)


# --- Hacker News jobs -----------------------------------------------------------------------------------


def hn_routes(replay: ReplayServer) -> None:
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page0.json"), query={"page": "0"}
    )
    replay.route(
        "/api/v1/search_by_date", fixture("algolia/search_whoishiring_page1.json"), query={"page": "1"}
    )
    replay.route("/api/v1/items/45800001", fixture("algolia/item_45800001.json"))
    replay.route("/api/v1/items/45500003", fixture("algolia/item_45500003.json"))


def test_hn_counts_postings_mentioning_each_technology(replay: ReplayServer, http: HttpOptions) -> None:
    hn_routes(replay)

    result = fetch(replay, http, "job_board_api", [PYTHON, REACT, KUBERNETES, GO, RUST])

    assert result.status == "success"
    october, september = date(2026, 10, 1), date(2026, 9, 1)
    assert values(result, "job_mentions", PYTHON) == {
        september: 1.0,
        october: 1.0,
    }  # not "Pythonista", not replies
    assert values(result, "job_mentions", REACT) == {september: 0.0, october: 1.0}  # not "preacting"
    assert values(result, "job_mentions", KUBERNETES) == {september: 1.0, october: 2.0}  # "k8s" counts
    assert values(result, "job_mentions", GO) == {september: 0.0, october: 1.0}
    assert values(result, "job_mentions", RUST) == {}  # no search terms: never guessed from the name
    assert len(replay.hits("/api/v1/search_by_date")) == 2  # nbPages followed


def test_hn_month_without_a_thread_is_reported(replay: ReplayServer, http: HttpOptions) -> None:
    hn_routes(replay)

    result = fetch(replay, http, "job_board_api", [PYTHON], since=date(2026, 8, 1))

    assert result.status == "partial_success"
    assert [e.item for e in result.errors] == ["hn_jobs:thread:2026-08"]


def test_hn_mentions_match_whole_words_with_symbols() -> None:
    pattern = mention_pattern(["C++", "C#"])
    assert pattern is not None
    assert pattern.search("we write C++ and C#.")
    assert not pattern.search("C++x")
    assert plain_text("<p>Rust&#x2F;Go</p>") == " Rust/Go "


# --- RSS / Atom -----------------------------------------------------------------------------------------


def test_atom_entries_since_the_window_start(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/atom.xml", fixture("feeds/atom.xml", content_type="application/atom+xml"))

    result = fetch_feed_source(replay, http, f"{replay.url}/atom.xml")

    assert result.status == "success" and result.records == []
    [entry] = result.entries  # the 2025 entry is older than the window
    assert entry.title == "Rust 2027 edition: what changes"
    assert entry.url == "https://blog.example.org/2026/11/rust-2027-edition"
    assert entry.tags == ("rust", "compilers")
    assert entry.published is not None and entry.published.isoformat() == "2026-11-12T09:30:00+00:00"


def test_rss_entries_keep_undated_items() -> None:
    entries = parse_feed((FIXTURES / "feeds/rss.xml").read_bytes(), "https://weekly.example.org/rss")

    assert [e.title for e in entries] == ["FastAPI 1.0 released", "An undated note"]
    assert entries[0].tags == ("python", "fastapi") and entries[1].published is None


def test_a_document_that_is_not_a_feed_is_an_item_error(replay: ReplayServer, http: HttpOptions) -> None:
    replay.route("/feed", Reply(body=b"<html><body>Service unavailable</body", content_type="text/html"))

    result = fetch_feed_source(replay, http, f"{replay.url}/feed")

    assert result.status == "failed"


def fetch_feed_source(replay: ReplayServer, http: HttpOptions, url: str) -> FetchResult:
    kind = connector_kind("rss_feed")

    async def main() -> FetchResult:
        async with open_client("feed", url, rate_limit_per_hour=3600, attempts=1, options=http) as client:
            return await kind.make(ConnectorContext(client=client)).fetch([], SINCE, UNTIL)

    return asyncio.run(main())
