"""The ``frontier`` command imports only what the command run needs: help and ``config show`` load no
database driver, web framework, numerical or embedding library (each costs a person seconds per command)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import frontier

PROJECT_ROOT = Path(frontier.__file__).resolve().parents[1]
# Top-level packages a command must not load unless it uses them.
HEAVY = {
    "alembic",
    "fastapi",
    "httpx",
    "lightgbm",
    "numpy",
    "onnxruntime",
    "pandas",
    "procrastinate",
    "psycopg",
    "sentence_transformers",
    "sqlalchemy",
    "starlette",
    "statsforecast",
    "structlog",
    "torch",
    "uvicorn",
}
# Runs the CLI in a fresh interpreter and prints the heavy packages it loaded, as JSON.
PROBE = """
import json, sys
from typer.testing import CliRunner
from frontier.cli.main import app
args = json.loads(sys.argv[1])
if args is not None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
heavy = set(json.loads(sys.argv[2]))
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & heavy)))
"""


def heavy_modules_loaded(args: list[str] | None) -> list[str]:
    """The heavy packages loaded by importing the CLI and, unless ``args`` is None, running ``frontier ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(sorted(HEAVY))],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_heavy_package() -> None:
    assert heavy_modules_loaded(None) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["config", "show"],
        ["trends", "--help"],
        ["trends", "show", "--help"],
        ["search", "--help"],
        ["ingest", "--help"],
        ["db", "tune", "--ram", "8GB", "--cores", "2"],
    ],
    ids=" ".join,
)
def test_commands_that_need_no_database_load_no_heavy_package(args: list[str]) -> None:
    assert heavy_modules_loaded(args) == []


def test_the_clis_copies_of_service_limits_match_the_services() -> None:
    # The CLI states these in its help without importing the services (numpy, SQLAlchemy) that define them.
    from frontier.cli import search as search_cli
    from frontier.cli import trends as trends_cli
    from frontier.discovery.search import service as search
    from frontier.trends import forecasting

    assert trends_cli.MAX_HORIZON == forecasting.MAX_HORIZON
    assert (search_cli.DEFAULT_LIMIT, search_cli.MAX_LIMIT) == (search.DEFAULT_LIMIT, search.MAX_LIMIT)
