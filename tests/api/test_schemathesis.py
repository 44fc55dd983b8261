"""prototype"""
from __future__ import annotations
import time
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from hypothesis import strategies as st
from .conftest import World
import collections

def test_probe(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.app)
    ops = [r.ok() for r in schema.get_all_operations()]
    failures = []
    for actor in ("owner", "admin", "anonymous"):
      for op in ops:
        started = time.perf_counter()
        seen = collections.Counter()

        @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
        @given(case=st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE)))
        def run(case):
            response = case.call(headers=world.headers(actor))
            seen[response.status_code] += 1
            if response.status_code >= 500:
                failures.append((op.label, actor, response.status_code, case.as_curl_command(), response.text[:200]))

        run()
        print(actor, op.label, round(time.perf_counter() - started, 2), dict(seen))
    for f in failures: print(f)
