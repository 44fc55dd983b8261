"""What a technology's scores rest on, in words: which signals and how much data (one repository's stars, a
language's top-100 list, ...), so a reader can weigh a score built on one repository against one built on many
sources."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from frontier.catalog.models import Technology
from frontier.trends.schemas import ScoreBasis


def _listing(names: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _repositories(technology: Technology) -> str:
    # a renamed repository is listed under each of its names (GitHub redirects); a move between owners keeps
    # the name, so one name is one repository, known by the name listed last
    repos = list({name.rsplit("/", 1)[-1]: name for name in technology.github_repositories or []}.values())
    count = f"{len(repos)} repositor{'y' if len(repos) == 1 else 'ies'}"
    return f"stars of {count}" + (f" ({_listing(repos)})" if repos else "")


def _top100(technology: Technology) -> str:
    language = technology.github_language or technology.name
    return (
        f"stars summed over the 100 most-starred {language} repositories "
        "(a list whose members change; such changes are not counted as growth)"
    )


def _packages(registry: str) -> Callable[[Technology], str]:
    def describe(technology: Technology) -> str:
        names = technology.pypi_packages if registry == "PyPI" else technology.npm_packages
        return f"{registry} downloads of {_listing(names or []) or 'its packages'}"

    return describe


DESCRIPTIONS: dict[str, Callable[[Technology], str]] = {
    "github.stars": _repositories,
    "github.top100_stars": _top100,
    "stackoverflow.questions": lambda t: f"Stack Overflow questions tagged '{t.stackoverflow_tag or t.slug}'",
    "pypi.downloads": _packages("PyPI"),
    "npm.downloads": _packages("npm"),
    "hn_jobs.job_mentions": lambda t: "mentions in Hacker News 'Who is hiring' posts",
}


def describe_basis(technology: Technology, stored: list[dict[str, Any]] | None) -> list[ScoreBasis]:
    """The stored basis (signal and months per signal) with what each signal measures, in words."""
    result = []
    for item in stored or []:
        signal = str(item.get("signal", ""))
        describe = DESCRIPTIONS.get(signal)
        result.append(
            ScoreBasis(
                signal=signal,
                months=int(item.get("months", 0)),
                measures=describe(technology) if describe else signal,
            )
        )
    return result
