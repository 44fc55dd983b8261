"""`frontier serve` end to end: it answers /health, runs a worker beside it, survives kill -9, stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from frontier.db.embedded import EmbeddedPostgres


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _frontier(*args: str) -> list[str]:
    return [sys.executable, "-m", "frontier", *args]


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout: float = 90.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "frontier serve exited early"
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            if response.status_code == 200:
                body: dict[str, object] = response.json()
                return body
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("frontier serve did not become healthy")


@pytest.mark.slow
def test_serve_survives_kill_9_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "FRONTIER_DATA_DIR": str(tmp_path / "data")}
    subprocess.run(_frontier("db", "upgrade"), env=env, check=True, capture_output=True)
    server = EmbeddedPostgres(tmp_path / "data")
    port = _free_port()

    first = subprocess.Popen(_frontier("serve", "--port", str(port)), env=env)
    health = _wait_healthy(port, first)
    assert health["status"] == "ok" and health["embedded"] is True
    workers = psutil.Process(first.pid).children()
    assert any("worker" in " ".join(w.cmdline()) for w in workers)
    postmaster = server.postmaster_pid()
    assert postmaster is not None
    os.kill(first.pid, signal.SIGKILL)
    os.kill(postmaster, signal.SIGKILL)
    first.wait()
    _, alive = psutil.wait_procs(workers, timeout=40)
    assert alive == []  # the worker noticed its parent was gone and stopped

    second = subprocess.Popen(_frontier("serve", "--port", str(port)), env=env)
    assert _wait_healthy(port, second)["status"] == "ok"
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0
    assert server.postmaster_pid() is None
    assert all(not w.is_running() for w in workers)
