"""Tables keep links whole: in a column when the terminal has room, else one to a line below the table."""

from __future__ import annotations

import re
import uuid

import pytest

from frontier.cli.search import _print_table
from frontier.discovery.search.service import SearchOutcome, SearchResult
from frontier.discovery.search.terms import QueryTerms

LONG = "https://rust-lang.github.io/async-book/01_getting_started/04_async_await_primer.html#what-is-async"
SHORT = "https://tokio.rs/tokio/tutorial"


def outcome() -> SearchOutcome:
    results = [
        SearchResult(
            id=uuid.uuid4(),
            title="Asynchronous Programming in Rust: the async book, from futures to executors",
            url=LONG,
            section="Rust",
            technologies=["rust"],
            tags=["systems", "html", "tutorial"],
            score=0.81,
        ),
        SearchResult(
            id=uuid.uuid4(),
            title="Tokio [tutorial]",
            url=SHORT,
            section=None,
            technologies=["rust", "tokio"],
            tags=["html"],
            score=0.7,
        ),
    ]
    return SearchOutcome(results=results, terms=QueryTerms(query="q", text="q", words=("q",)))


def printed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: int) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    _print_table(outcome())
    return capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("columns", [60, 100, 140, 250])
def test_every_link_is_printed_whole_on_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: int
) -> None:
    lines = printed(monkeypatch, capsys, columns)

    for url in (LONG, SHORT):
        assert any(url in line for line in lines), "\n".join(lines)
    assert not any("…" in line for line in lines)


def test_a_wide_terminal_shows_each_link_in_its_row(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = printed(monkeypatch, capsys, 250)

    assert any(re.search(r"│ 2 │.*Tokio \[tutorial\].*" + re.escape(SHORT), line) for line in lines)


def test_a_narrow_terminal_lists_the_links_below_by_row_number(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = printed(monkeypatch, capsys, 100)

    assert lines[-2:] == [f"  1  {LONG}", f"  2  {SHORT}"]
