"""The one pagination contract: a page of items and an opaque cursor holding the last item's sort key
(``?limit=`` default 50, max 200, and ``?cursor=`` over HTTP: ``frontier.api.pagination``)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from frontier.errors import FieldProblem, InvalidInput
from frontier.inputs import contains_nul

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    """A page of items and the cursor of the next page (null on the last page)."""

    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    """Validated pagination query parameters."""

    limit: int
    after: list[Any] | None


def encode_cursor(key: list[Any]) -> str:
    """An opaque cursor holding the sort key of the last item returned."""
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def _not_ours() -> InvalidInput:
    return InvalidInput([FieldProblem("cursor", "is not a cursor returned by this API")])


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a cursor value")  # NaN, Infinity: never in a cursor of ours


def decode_cursor(cursor: str) -> list[Any]:
    """The sort key inside a cursor; InvalidInput naming ``cursor`` when it wasn't made by us.

    A key holds strings, finite numbers and nulls (a page can end among rows whose sort value is null);
    each list range-checks its values further, since a cursor is the caller's input.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw, parse_constant=_refuse_constant)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise _not_ours() from error
    # NUL can't reach PostgreSQL (it would fail there as a 500): no cursor of ours holds one.
    if (
        not isinstance(key, list)
        or not key
        or not all(k is None or isinstance(k, str | int | float) for k in key)
        or any(isinstance(k, float) and not math.isfinite(k) for k in key)  # 1e400 parses as inf
        or contains_nul(key)
    ):
        raise _not_ours()
    return key
