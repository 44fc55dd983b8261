"""The base of every request body: unknown fields are refused, and so are NUL characters in any text.

PostgreSQL can't store NUL (U+0000) in text, JSONB or arrays of text: let through, it fails deep in the
database driver as a 500. Refused at the edge, it is a 422 naming the field, like any other invalid input.

Integer and boolean fields of inputs are declared ``StrictInt`` / ``StrictBool``: pydantic's lax mode would
otherwise store ``true`` as 1, ``"5"`` as 5 and ``"yes"`` as true — wrong types must be refused, not coerced.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

NUL = "\x00"
NUL_PROBLEM = "must not contain NUL (U+0000) characters"

T = TypeVar("T")


def contains_nul(value: Any) -> bool:
    """True when some text in ``value`` (a string, a secret, or a list or dict of them) holds NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, SecretStr):
        return NUL in value.get_secret_value()
    if isinstance(value, list | tuple | set | frozenset):
        return any(contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    return False


def reject_nul(value: T) -> T:
    """``value`` unchanged, or ValueError when it holds NUL (a pydantic ``AfterValidator``)."""
    if contains_nul(value):
        raise ValueError(NUL_PROBLEM)
    return value


class Input(BaseModel):
    """A request body: a typo in a field name is an error rather than silently ignored; no text holds NUL."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)
