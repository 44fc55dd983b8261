"""Domain exceptions shared by every layer; mapped once to problem details (API) and exit codes (CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field


class FrontierError(Exception):
    """Base of Frontier's expected errors: each carries a message a person can act on."""


class ConfigurationError(FrontierError):
    """A setting is missing or wrong."""


class DatabaseUnavailable(FrontierError):
    """The database can't be reached or doesn't meet Frontier's requirements."""


class NotFound(FrontierError):
    """A resource doesn't exist (or isn't the caller's)."""


class Conflict(FrontierError):
    """The request conflicts with what is stored."""


@dataclass
class FieldProblem:
    """One invalid field: where it is and what is wrong with it."""

    field: str
    problem: str


@dataclass
class InvalidInput(FrontierError):
    """Input failed validation; ``problems`` names each field."""

    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.problem}" for p in self.problems)
