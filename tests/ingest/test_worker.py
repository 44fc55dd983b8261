"""The real worker: the periodic dispatcher queues a due source from its thread, and the sync runs."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from frontier.db.session import Database
from frontier.jobs.app import bound_app, job_context
from tests.ingest.conftest import add_source
from tests.ingest.replay import ReplayServer, fixture


def test_the_worker_dispatches_and_runs_a_due_sync(demo_database: Engine, replay: ReplayServer) -> None:
    database = Database(url=demo_database.url.render_as_string(hide_password=False), engine=demo_database)
    replay.route("/repos/facebook/react", fixture("github/repos_facebook_react.json"))
    add_source(database, "gh", "github_api", replay.url, data_types_to_sync=["repositories"])

    # Frontier's own task app, as the worker runs it (a second App holding the same blueprint would re-bind
    # the blueprint's tasks to itself and break every later worker in this process).
    async def work() -> None:
        with bound_app(database) as app:
            async with app.open_async():
                await app.configure_task("ingest:dispatch_due_syncs").defer_async(timestamp=1790000000)
                with job_context(database):
                    await app.run_worker_async(wait=False, queues=["ingest"])  # runs the dispatcher...
                    await app.run_worker_async(wait=False, queues=["ingest"])  # ...then the sync it queued

    asyncio.run(work())
    with demo_database.connect() as connection:
        runs = connection.execute(text("SELECT status, records_processed FROM data_sync_runs")).all()
        jobs = connection.execute(text("SELECT task_name, status FROM procrastinate_jobs")).all()
    # Only facebook/react is served: every other technology's repositories answer 404 (item errors).
    assert [tuple(r) for r in runs] == [("partial_success", 3)]
    assert sum(1 for name, status in jobs if name.endswith("sync_source") and status == "succeeded") == 1
