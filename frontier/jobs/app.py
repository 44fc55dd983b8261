"""The job queue (procrastinate on Frontier's own database): the app, its tasks and the worker runner.

Each domain declares its tasks on a ``procrastinate.Blueprint`` in its own ``tasks.py``; ``frontier.app``
registers them here (``register_tasks``) before the first ``task_app()``. Tasks are plain synchronous
functions: procrastinate runs them in threads, so CPU-bound work never blocks the worker's event loop (and
never runs in the API process).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import procrastinate
from procrastinate.testing import InMemoryConnector

from frontier.db.session import Database, libpq_url
from frontier.jobs import runtime, tasks

log = logging.getLogger(__name__)

BLUEPRINTS: dict[str, procrastinate.Blueprint] = {"system": tasks.blueprint}


def register_tasks(namespace: str, blueprint: procrastinate.Blueprint) -> None:
    """Add a domain's tasks under ``namespace`` (before the first ``task_app()``; once per namespace)."""
    if task_app.cache_info().currsize:
        raise RuntimeError(f"tasks of '{namespace}' registered after the task app was built")
    BLUEPRINTS.setdefault(namespace, blueprint)


@lru_cache(maxsize=1)
def task_app() -> procrastinate.App:
    """The one procrastinate app holding every registered domain's tasks (registering a blueprint twice
    renames its tasks, so this is built once per process); bind it to a database with ``bound_app``."""
    app = procrastinate.App(connector=InMemoryConnector())
    for namespace, blueprint in BLUEPRINTS.items():
        app.add_tasks_from(blueprint, namespace=namespace)
    return app


@contextmanager
def bound_app(database: Database) -> Iterator[procrastinate.App]:
    """The task app connected to the database for the duration of the block."""
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_url(database.url), min_size=1, max_size=4, timeout=10
    )
    with task_app().replace_connector(connector) as app:
        yield app


@contextmanager
def job_context(database: Database) -> Iterator[None]:
    """Make the database available to tasks run in this process."""
    runtime.bind(database)
    try:
        yield
    finally:
        runtime.unbind()


async def _watch_parent(parent: int, database: Database, deadline_seconds: float) -> None:
    # A worker started by `frontier serve` must not outlive it (e.g. after kill -9 of serve). It stops
    # gracefully; if the database went down with the parent that can hang, so a timer makes sure it ends.
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    log.warning("parent process %s is gone; worker stopping", parent)
    timer = threading.Timer(deadline_seconds, _hard_exit, args=(database,))
    timer.daemon = True
    timer.start()


def _hard_exit(database: Database) -> None:
    log.error("worker did not stop in time after its parent died; exiting")
    try:
        database.close()  # releases this process's hold on the embedded server
    finally:
        os._exit(1)


async def _work(database: Database, wait: bool) -> None:
    with bound_app(database) as app:
        async with app.open_async():
            await app.run_worker_async(wait=wait, name=f"frontier-{os.getpid()}")


async def run_worker(
    database: Database, *, parent_pid: int | None = None, wait: bool = True, grace_seconds: float = 10.0
) -> None:
    """Run queued and periodic jobs until stopped (SIGINT/SIGTERM) or, with ``wait=False``, until idle.

    With ``parent_pid`` the worker stops when that process is no longer its parent.
    When stopping, running jobs get ``grace_seconds`` to finish; an unfinished job stays in the queue and is
    retried by the next worker (its lock expires with this worker's heartbeat).
    """
    with job_context(database):
        # The parent watch starts first: opening the queue's pool can itself wait on a database that died.
        waiters: set[asyncio.Task[None]] = {asyncio.create_task(_work(database, wait))}
        if parent_pid is not None:
            waiters.add(asyncio.create_task(_watch_parent(parent_pid, database, grace_seconds + 10)))
        done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        try:
            # A dead database (e.g. the server was killed with the parent) must not keep us waiting.
            async with asyncio.timeout(grace_seconds):
                await asyncio.gather(*pending, return_exceptions=True)
        except TimeoutError:
            log.warning(
                "worker did not stop within %.0f s; its unfinished jobs will be retried", grace_seconds
            )
        for task in done:
            task.result()
