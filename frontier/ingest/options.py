"""A source's options (external_data_sources.data_mapping_schema), validated against its type: each connector
reads its own few keys, so an unknown key or a wrong value is refused naming ``options.<key>``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt, StringConstraints, ValidationError

from frontier.errors import FieldProblem, InvalidInput
from frontier.inputs import Input

HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*$", max_length=2000)]


class SourceOptions(Input):
    """Options every source takes."""

    initial_lookback_days: StrictInt | None = Field(default=None, ge=1, le=3650)


class GitHubOptions(SourceOptions):
    """api.github.com: page size of searches."""

    per_page: StrictInt | None = Field(default=None, ge=1, le=100)


class StackOverflowOptions(SourceOptions):
    """Stack Exchange: which site, how many popular tags to record."""

    site: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]{1,100}$")] | None = None
    popular_tags: StrictInt | None = Field(default=None, ge=0, le=10_000)


class PyPIOptions(SourceOptions):
    """pypistats: where the PyPI JSON API is (releases)."""

    pypi_url: HttpUrl | None = None


class FeedOptions(SourceOptions):
    """RSS/Atom: feeds read besides the source's base_url."""

    feeds: list[HttpUrl] | None = Field(default=None, max_length=200)


OPTIONS: dict[str, type[SourceOptions]] = {
    "github_api": GitHubOptions,
    "stackoverflow_api": StackOverflowOptions,
    "pypi_api": PyPIOptions,
    "npm_api": SourceOptions,
    "job_board_api": SourceOptions,
    "rss_feed": FeedOptions,
}


def validate_options(source_type: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """The options of a ``source_type`` source, without unset keys; InvalidInput naming ``options.<key>``."""
    model = OPTIONS.get(source_type, SourceOptions)
    try:
        parsed = model.model_validate(options or {})
    except ValidationError as error:
        raise invalid_input(error, "options") from None
    return parsed.model_dump(exclude_none=True)


def invalid_input(
    error: ValidationError, prefix: str = "", names: dict[str, str] | None = None
) -> InvalidInput:
    """pydantic's errors as InvalidInput, each naming its field (under ``prefix``, renamed by ``names``, e.g.
    to a command-line option)."""
    problems = []
    for e in error.errors():
        field = ".".join(str(p) for p in e["loc"])
        field = (names or {}).get(field, field)
        problem = "is not an option of this source type" if e["type"] == "extra_forbidden" else e["msg"]
        problems.append(FieldProblem(f"{prefix}.{field}" if prefix else field, problem))
    return InvalidInput(problems)
