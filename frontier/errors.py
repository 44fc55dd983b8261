"""Domain exceptions shared by every layer; mapped once to problem details (API) and exit codes (CLI)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# pydantic puts these before the message of a ValueError or assert raised in a validator: noise to a person.
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


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


def validation_problem(error: Mapping[str, object]) -> str:
    """What is wrong, from one item of pydantic's ``ValidationError.errors()``, as a person should read it:
    the validator's own message without pydantic's ``Value error, `` prefix. Every renderer (API problem
    details, CLI lines, settings errors) uses this."""
    message = str(error.get("msg") or "invalid")
    for prefix in _PYDANTIC_PREFIXES:
        message = message.removeprefix(prefix)
    return message
