"""The job queue (procrastinate on Frontier's own database): the app, its tasks and the worker runner.

Each domain declares its tasks on a ``procrastinate.Blueprint`` in its own ``tasks.py``; they are gathered
here. Tasks are plain synchronous functions: procrastinate runs them in threads, so CPU-bound work never
blocks the worker's event loop (and never runs in the API process).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import procrastinate

from frontier.db.session import Database, libpq_url
from frontier.jobs import runtime, tasks

log = logging.getLogger(__name__)

BLUEPRINTS = {"system": tasks.blueprint}


def make_app(database: Database) -> procrastinate.App:
    """A procrastinate app bound to the database, with every domain's tasks registered."""
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(database.url), min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    for namespace, blueprint in BLUEPRINTS.items():
        app.add_tasks_from(blueprint, namespace=namespace)
    return app


@contextmanager
def job_context(database: Database) -> Iterator[None]:
    """Make the database available to tasks run in this process."""
    runtime.bind(database)
    try:
        yield
    finally:
        runtime.unbind()


async def _watch_parent(parent: int) -> None:
    # A worker started by `frontier serve` must not outlive it (e.g. after kill -9 of serve).
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    log.warning("parent process %s is gone; worker stopping", parent)


async def run_worker(database: Database, *, exit_with_parent: bool = False, wait: bool = True) -> None:
    """Run queued and periodic jobs until stopped (SIGINT/SIGTERM) or, with ``wait=False``, until idle."""
    app = make_app(database)
    with job_context(database):
        async with app.open_async():
            worker = asyncio.create_task(app.run_worker_async(wait=wait, name=f"frontier-{os.getpid()}"))
            waiters: set[asyncio.Task[None]] = {worker}
            if exit_with_parent:
                waiters.add(asyncio.create_task(_watch_parent(os.getppid())))
            done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for task in done:
                task.result()
