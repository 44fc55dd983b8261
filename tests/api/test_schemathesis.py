"""Schemathesis against the live app's OpenAPI schema: no operation answers 5xx, whoever calls it.

Every operation is fuzzed (schema-valid and schema-invalid requests, generated paths and the world's real ids)
as a member, as an admin and anonymously, inside the test's rolled-back transaction. Each response must:

- not be a server error (``not_a_server_error``);
- have a documented status code, content type, headers and body (``status_code_conformance``,
  ``content_type_conformance``, ``response_headers_conformance``, ``response_schema_conformance``) —
  errors are documented as ``application/problem+json`` on every operation (``frontier.api.problems``);
- reject schema-invalid requests with a 4xx (``negative_data_rejection``);
- hold no stored secret (password hashes, token digests, the encrypted or clear API key).

``positive_data_acceptance`` is left off on purpose: some schema-valid requests are rightly refused by rules
the OpenAPI schema can't express — a technology slug must be in the catalogue, a time zone must be an IANA
name, an email must be deliverable-looking (email-validator), whitespace-only names are empty once stripped,
decimals have a digit budget, a cursor must be one the API issued, and confirm_email / current_password must
match the account. Those answer 422 (or 404/409), never 5xx, which is what this test is about.

``DELETE /api/v1/me`` is fuzzed too: it needs ``confirm_email`` equal to the caller's (random) email, which
generated data doesn't guess, so the actor survives the run; the deletion itself is covered by
test_authorization_matrix and its bad query values by test_bad_input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontier.app import ROUTERS

from .conftest import World, assert_no_secrets, stored_secrets

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

MAX_EXAMPLES = 25
ACTORS = ("owner", "admin", "anonymous")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _routes() -> list[tuple[str, str]]:
    # Read from the routers at collection time (no settings or database needed); the test asserts that the
    # live app's schema has the same operation.
    probe = FastAPI()
    for router in ROUTERS:
        probe.include_router(router)
    paths = probe.openapi()["paths"]
    return sorted(
        (method.upper(), path) for path, ops in paths.items() for method in ops if method in HTTP_METHODS
    )


ROUTES = _routes()


def real_path_parameters(world: World, path: str) -> dict[str, Any]:
    """The world's rows for the path's parameters (the owner's, or those admins manage)."""
    values = {
        "expertise_id": world.expertise_id,
        "token_id": world.spare_token_id,
        "user_id": world.owner.user_id,
        "source_id": world.source_id,
        "model_id": world.model_id,
        "notification_id": world.notification_id,
        "slug": "python",
        "token": world.feed_token,
    }
    return {name: str(values[name]) for name in re.findall(r"\{(\w+)\}", path) if name in values}


def fuzz_statuses(
    strategies: list[Any],
    headers: dict[str, str],
    max_examples: int,
    also: Callable[[Any], None] | None = None,
) -> list[int]:
    """Send up to ``max_examples`` generated requests, check each response against CHECKS (and ``also``),
    and return their statuses (at least one request is sent)."""
    statuses: list[int] = []

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if also is not None:
            also(response)

    fuzz()
    assert statuses, "no request was sent"
    return statuses


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_operation_never_answers_5xx_and_conforms_to_its_schema(
    world: World, route: tuple[str, str], actor: str
) -> None:
    method, path = route
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    operation = schema[path][method]
    headers = world.headers(actor)
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if real := real_path_parameters(world, path):
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    statuses = fuzz_statuses(
        strategies,
        headers,
        MAX_EXAMPLES,
        also=lambda response: assert_no_secrets(response, stored_secrets(world.db)),
    )
    assert all(status < 500 for status in statuses)
