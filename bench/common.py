"""Shared benchmark plumbing: a throwaway embedded database, timing, and ratio printing."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, create_engine, text

from frontier import app as registry
from frontier.db import migrate
from frontier.db.embedded import EmbeddedPostgres

BENCH_DATA = Path(__file__).parent / ".data"  # inside the project: see README, "Running as root"


@contextmanager
def bench_database(name: str) -> Iterator[Engine]:
    """A freshly migrated database on an embedded server under bench/.data, dropped afterwards."""
    registry.metadata()  # every table mapped, so a benchmark's ORM writes resolve their foreign keys
    BENCH_DATA.mkdir(exist_ok=True)
    server = EmbeddedPostgres(BENCH_DATA)
    server.start()
    database = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine = create_engine(server.url(database))
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
        server.stop()


def timed(action: Callable[[], object], repeat: int = 3, setup: Callable[[], object] | None = None) -> float:
    """Median seconds of ``action`` over ``repeat`` runs, each after ``setup``."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(label: str, ours: float, baseline: float, target: str) -> None:
    """One result line: both times, the speed-up ratio and the target."""
    ratio = baseline / ours if ours > 0 else float("inf")
    print(
        f"{label:<58} ours {ours * 1000:9.1f} ms  baseline {baseline * 1000:9.1f} ms  "
        f"speed-up x{ratio:7.2f}  (target: {target})"
    )


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (0..1) by linear interpolation, as numpy's default."""
    return float(np.percentile(np.asarray(values, dtype=float), share * 100))
