"""What every command shares: settings, the database, and turning errors into one clear line.

Command modules import the domain (SQLAlchemy, FastAPI, numpy, the embedding model...) inside the command
that uses it, not at the top: ``frontier --help`` and ``frontier config show`` would otherwise pay seconds of
imports for nothing (``tests/test_cli_imports.py`` holds the line).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from frontier.errors import ConfigurationError, FrontierError, InvalidInput, validation_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from frontier.config import Settings
    from frontier.db.session import Database

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)

EXIT_FAILED = 1
EXIT_USAGE = 2
# The width a table's other columns need beside a column of links shown whole.
ROOM_BESIDE_LINKS = 80


def fail(message: str, code: int = EXIT_FAILED) -> typer.Exit:
    """Print one line on stderr and return the Exit to raise."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def settings() -> Settings:
    """Settings, or exit 2 naming the bad variable."""
    from pydantic import ValidationError

    from frontier.config import get_settings

    try:
        return get_settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = "FRONTIER_" + str(first["loc"][0]).upper() if first["loc"] else "FRONTIER_*"
        raise fail(f"{name}: {validation_problem(first)}", EXIT_USAGE) from error


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn Frontier's expected errors into a one-line message and an exit code (2 for bad input)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (InvalidInput, ConfigurationError) as error:
            raise fail(str(error), EXIT_USAGE) from error
        except FrontierError as error:
            # One line, as promised; errors that carry detail (a server log) put it after the first line.
            lines = str(error).splitlines() or [type(error).__name__]
            exit_ = fail(lines[0])
            if len(lines) > 1:
                err_console.print("\n".join(lines[1:]), highlight=False, style="dim")
            raise exit_ from error
        except KeyboardInterrupt:
            sys.exit(130)

    return wrapper


def add_link_column(table: Table, header: str, links: Sequence[str]) -> bool:
    """Add a column that shows ``links`` whole (never wrapped or cut: they are copied and clicked) when the
    terminal has room for it beside the other columns; False when there is none: ``print_links`` after."""
    longest = max(map(len, links), default=0)
    if console.width < longest + ROOM_BESIDE_LINKS:
        return False
    table.add_column(header, no_wrap=True, min_width=longest)
    return True


def cell(value: str | None) -> Text:
    """A table cell showing ``value`` as it is: a title "Arrays [part 2]" or a URL is no rich markup."""
    return Text(value or "")


def print_links(numbered: Sequence[tuple[str, str | None]]) -> None:
    """Each link on a line of its own after its row's number, as one unwrapped line a terminal can copy."""
    for number, url in numbered:
        if url:
            console.print(Text.assemble(f"{number:>3}  ", url), soft_wrap=True, highlight=False)


@contextmanager
def named_as(names: Mapping[str, str]) -> Iterator[None]:
    """Inside the block (or the decorated command), an InvalidInput from a service names what a person types
    on the command line (``QUERY``, ``--max-minutes``), not the API's fields (``q``, ``max_minutes``)."""
    try:
        yield
    except InvalidInput as error:
        for problem in error.problems:
            problem.field = names.get(problem.field, problem.field)
        raise


def either(words: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return " or ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


def unknown_technology(session: Session, name: str, given_as: str = "") -> typer.Exit:
    """Print that no technology is called ``name``, suggesting the closest known slugs; return the Exit (2) to
    raise. ``given_as`` names the option the name came from (``--technology``)."""
    from frontier.catalog.repository import similar_slugs

    close = similar_slugs(session, name)
    hint = f"did you mean {either(close)}?" if close else "'frontier trends list' lists them"
    prefix = f"{given_as}: " if given_as else ""
    return fail(f"{prefix}no technology called '{name}'; {hint}", EXIT_USAGE)


@contextmanager
def database(*, check: bool = True) -> Iterator[Database]:
    """The configured database for the duration of a command (the embedded server is released after)."""
    import frontier.app  # noqa: F401  every domain's tables mapped and tasks registered
    from frontier.db.session import open_database

    db = open_database(settings(), check=check)
    try:
        yield db
    finally:
        db.close()
