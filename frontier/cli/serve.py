"""``frontier serve`` and ``frontier worker``: the API and the job runner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Annotated

import typer

from frontier.cli.common import console, database, fail, handle_errors, settings


def _start_worker_process() -> subprocess.Popen[bytes]:
    # The worker runs in its own process so CPU-bound jobs never share the API's event loop.
    return subprocess.Popen([sys.executable, "-m", "frontier", "worker", "--parent-pid", str(os.getpid())])


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_server(host: str, port: int, *, with_worker: bool | None = None) -> None:
    """Serve the API until SIGINT/SIGTERM; then stop the worker and release the embedded server."""
    import uvicorn

    from frontier.app import create_app
    from frontier.config import resolve_secret_key
    from frontier.db import migrate
    from frontier.logs import configure_logging

    current = settings()
    configure_logging(current.log_level)
    resolve_secret_key(current)  # made once for the embedded database; required (exit 2) with an external one
    with database() as db:
        state = migrate.status(db.engine)
        if not state.up_to_date:
            raise fail(
                f"the schema is at {state.current or 'base'}, not {state.head}: run 'frontier db upgrade'"
            )
        worker = (
            _start_worker_process() if (current.embedded if with_worker is None else with_worker) else None
        )
        # uvicorn shuts down gracefully on SIGTERM, then re-raises it under the handler found at start:
        # a quiet one lets this function return, so the worker and the embedded server stop too.
        signal.signal(signal.SIGTERM, lambda signum, frame: None)
        try:
            console.print(f"Frontier on http://{host}:{port} (API docs at /docs)")
            uvicorn.run(create_app(db), host=host, port=port, log_config=None, proxy_headers=False)
        finally:
            if worker is not None:
                _stop_process(worker)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port", min=1, max=65535)] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option("--worker/--no-worker", help="Also run a worker (default: with the embedded DB)"),
    ] = None,
) -> None:
    """Run the API (and, with the embedded database, a worker beside it)."""
    handle_errors(run_server)(host, port, with_worker=worker)


def worker(
    parent_pid: Annotated[
        int | None, typer.Option(hidden=True, help="Stop when this process is gone")
    ] = None,
    until_idle: Annotated[bool, typer.Option(help="Stop once no job is waiting")] = False,
) -> None:
    """Run queued and periodic jobs until stopped."""

    @handle_errors
    def _run() -> None:
        import asyncio

        from frontier.jobs.app import run_worker
        from frontier.logs import configure_logging

        configure_logging(settings().log_level)
        with database() as db:
            console.print(f"worker {os.getpid()} running jobs")
            asyncio.run(run_worker(db, parent_pid=parent_pid, wait=not until_idle))

    _run()
