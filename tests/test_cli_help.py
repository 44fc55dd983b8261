"""Help pages, --version and messages in the command line's words: no Python type tags, no API field names."""

from __future__ import annotations

import inspect
import re
from importlib.metadata import version

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

import frontier
from frontier.cli.common import named_as
from frontier.cli.help_format import plain_label
from frontier.cli.main import app
from frontier.errors import FieldProblem, InvalidInput

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Typer's own labels: <bool>, <str>, <int range>, <%Y-%m-%d>, <list[str]>, and {query} in a usage line.
_TYPE_TAG = re.compile(r"<[\w%][^<>\n]*>|\{\w+\}")


def command_paths() -> list[list[str]]:
    """The words of every command and group of ``frontier``, the root included."""
    paths: list[list[str]] = []

    def walk(command: typer.core.TyperCommand | TyperGroup, path: list[str]) -> None:
        paths.append(path)
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def help_page(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return _ANSI.sub("", result.stdout)


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(path) or "frontier")
def test_help_shows_no_python_type_tags_or_braces(path: list[str]) -> None:
    page = help_page(path)

    assert _TYPE_TAG.findall(page) == []


@pytest.mark.parametrize("path", command_paths(), ids=lambda path: " ".join(path) or "frontier")
def test_each_commands_summary_is_one_line(path: list[str]) -> None:
    # a group's list shows each command's first paragraph with its line breaks: a summary of two lines
    # breaks mid-sentence there
    command = typer.main.get_command(app)
    for name in path:
        assert isinstance(command, TyperGroup)
        command = command.commands[name]

    assert "\n" not in inspect.cleandoc(command.help or "").split("\n\n")[0]


def test_the_walk_covers_the_top_level_commands_and_every_group() -> None:
    names = {" ".join(path) for path in command_paths()}

    assert {"search", "explore", "serve", "trends show", "ingest add-feed", "config show"} <= names


def test_help_labels_values_in_a_command_lines_words() -> None:
    search = help_page(["search"])
    compute = help_page(["trends", "compute"])

    assert re.search(r"search \[OPTIONS\] QUERY\s*\n", search)
    assert re.search(r"--limit\s+-n\s+INTEGER", search)
    assert re.search(r"--as-of\s+YYYY-MM-DD", compute)


def test_a_switch_shows_no_value_label() -> None:
    page = help_page(["search"])

    assert re.search(r"--json\s+Print the results", page)


@pytest.mark.parametrize(
    ("typer_label", "shown"),
    [
        ("<str>", "TEXT"),
        ("<int range>", "INTEGER"),
        ("<%Y-%m-%d>", "YYYY-MM-DD"),
        ("<list[str]>", "TEXT"),
        ("<default|seed>", "default|seed"),
        ("<path>", "PATH"),
    ],
)
def test_typers_labels_become_command_line_words(typer_label: str, shown: str) -> None:
    assert plain_label(typer_label) == shown


def test_a_missing_argument_is_named_as_the_help_names_it() -> None:
    result = CliRunner().invoke(app, ["search"], env={"COLUMNS": "200"})

    assert result.exit_code == 2
    assert "Missing argument 'QUERY'" in _ANSI.sub("", result.output)


def test_version_prints_the_installed_packages_version() -> None:
    result = CliRunner().invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.stdout.strip() == f"frontier {frontier.__version__}"
    assert frontier.__version__ == version("frontier")


def test_named_as_says_the_command_lines_words_for_a_services_fields() -> None:
    with pytest.raises(InvalidInput) as caught, named_as({"q": "QUERY", "max_minutes": "--max-minutes"}):
        raise InvalidInput([FieldProblem("q", "must not be empty"), FieldProblem("depth", "is wrong")])

    assert str(caught.value) == "QUERY: must not be empty; depth: is wrong"
