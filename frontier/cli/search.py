"""``frontier search "QUERY"``: learning content for a natural-language query, as a table or as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from frontier.cli.common import (
    add_link_column,
    cell,
    console,
    database,
    handle_errors,
    named_as,
    print_links,
)

# The search service (SQLAlchemy, the embedding model) is imported by the command: see cli/common.py.
if TYPE_CHECKING:
    from frontier.discovery.search.service import SearchOutcome

# discovery.search.DEFAULT_LIMIT and MAX_LIMIT; tests/test_cli_imports.py checks they agree.
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# The search service's field names (the API's) -> this command's words.
CLI_WORDS = {
    "q": "QUERY",
    "limit": "--limit",
    "ecosystem": "--ecosystem",
    "format": "--format",
    "max_minutes": "--max-minutes",
    "depth": "--depth",
}


@handle_errors
@named_as(CLI_WORDS)
def search(
    query: Annotated[str, typer.Argument(help="What you want to learn, in your own words")],
    limit: Annotated[
        int, typer.Option("--limit", "-n", help=f"How many results (1-{MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON list")] = False,
    ecosystem: Annotated[str | None, typer.Option(help="Only this ecosystem, e.g. web_frontend")] = None,
    content_format: Annotated[
        str | None,
        typer.Option("--format", help="Only this format, e.g. pdf, video, markdown (a wrong one lists all)"),
    ] = None,
    max_minutes: Annotated[
        int | None, typer.Option(help="Only items taking at most this many minutes")
    ] = None,
    depth: Annotated[
        str | None, typer.Option(help="Only this depth: surface, moderate, deep, expert")
    ] = None,
) -> None:
    """Search learning content: the best matches for QUERY, with their section, technologies and score."""
    from frontier.discovery.search.service import check_limit, content_filters, run_search
    from frontier.discovery.search.terms import clean_query

    # Inputs are checked before the database is opened: a typo costs no server start.
    clean_query(query)
    check_limit(limit)
    filters = content_filters(ecosystem, content_format, max_minutes, depth)
    with database() as db, db.session() as session:
        outcome = run_search(session, query, limit=limit, filters=filters)
    if as_json:
        typer.echo(
            json.dumps([r.model_dump(mode="json") for r in outcome.results], indent=2, ensure_ascii=False)
        )
        return
    _print_table(outcome)


def _print_table(outcome: SearchOutcome) -> None:
    if outcome.terms.corrections:
        console.print(f"[dim]searched for: {outcome.terms.text}[/dim]", highlight=False)
    if not outcome.results:
        console.print(f"{outcome.notice or 'no results'}: try other words or fewer filters")
        return
    table = Table(show_lines=False)
    for column in ("#", "score", "title", "section", "technologies", "tags"):
        table.add_column(column, overflow="fold", justify="right" if column in ("#", "score") else "left")
    # links are shown whole: in the table when it has room, else listed below it by number
    in_table = add_link_column(table, "url", [r.url for r in outcome.results if r.url])
    for position, result in enumerate(outcome.results, start=1):
        table.add_row(
            str(position),
            f"{result.score:.3f}",
            cell(result.title),
            cell(result.section or "—"),
            cell(", ".join(result.technologies)),
            cell(", ".join(result.tags)),
            *([cell(result.url or "—")] if in_table else []),
        )
    console.print(table)
    if not in_table:
        print_links([(str(position), r.url) for position, r in enumerate(outcome.results, start=1)])
