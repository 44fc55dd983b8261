"""The job queue runs on Frontier's database: a worker runs the periodic heartbeat."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import Engine, text

from frontier.db import migrate
from frontier.db.embedded import EmbeddedPostgres
from frontier.db.session import Database
from frontier.jobs.app import run_worker, task_app
from frontier.jobs.tasks import HEARTBEAT_CRON


def test_heartbeat_is_scheduled_periodically() -> None:
    app = task_app()
    periodic = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["system:heartbeat"] == HEARTBEAT_CRON
    assert "accounts:prune_sessions_and_counters" in periodic


async def _worker_until_heartbeat(database: Database, timeout: float = 30.0) -> int:
    worker = asyncio.create_task(run_worker(database))
    try:
        async with asyncio.timeout(timeout):
            while True:
                with database.engine.connect() as conn:
                    rows = conn.execute(
                        text("SELECT count(*) FROM system_logs WHERE log_type = 'heartbeat'")
                    ).scalar_one()
                if rows:
                    return int(rows)
                await asyncio.sleep(0.2)
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


def test_worker_runs_the_periodic_heartbeat(empty_database: Engine, pg_server: EmbeddedPostgres) -> None:
    migrate.upgrade(empty_database)
    database = Database(url=empty_database.url.render_as_string(hide_password=False), engine=empty_database)
    # On start the worker defers the latest heartbeat tick (within procrastinate's 10-minute window) and runs it.
    assert asyncio.run(_worker_until_heartbeat(database)) == 1
