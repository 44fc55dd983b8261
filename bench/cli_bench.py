"""How long a person waits for the ``frontier`` commands that need no database: help pages, ``--version`` and
``config show``, each a fresh ``python -m frontier`` process as a shell runs it.

Baseline: ``python -c pass`` (the interpreter's own start) in the same run. Each command runs
``BENCH_CLI_RUNS`` times (after one warm-up run that fills the OS file cache); the median and the slowest run
are printed, with the median's ratio to the baseline's. Target (issue 11): under 0.5 s each, which was 3.6-4 s
when every command imported the whole product.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_CLI_RUNS", "7"))
TARGET_SECONDS = 0.5
COMMANDS: list[list[str]] = [
    ["--help"],
    ["--version"],
    ["config", "show"],
    ["trends", "--help"],
    ["trends", "show", "--help"],
    ["search", "--help"],
    ["ingest", "--help"],
]


def wall_times(argv: list[str], env: dict[str, str]) -> list[float]:
    """Seconds each of RUNS runs of ``argv`` took, from start to exit (after one untimed warm-up run)."""
    times = []
    for run in range(RUNS + 1):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if run:
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        # the developer's settings don't matter here; a data dir of our own keeps theirs untouched
        env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTIER_")}
        env.update(FRONTIER_DATA_DIR=data_dir, COLUMNS="100")
        print(
            f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {RUNS} runs each"
        )
        baseline = statistics.median(wall_times([sys.executable, "-c", "pass"], env))
        print(f"{'python -c pass (baseline)':<32} median {baseline:6.3f} s")
        for args in COMMANDS:
            times = wall_times([sys.executable, "-m", "frontier", *args], env)
            median = statistics.median(times)
            verdict = "ok" if median < TARGET_SECONDS else f"SLOWER than {TARGET_SECONDS} s"
            print(
                f"{'frontier ' + ' '.join(args):<32} median {median:6.3f} s, slowest {max(times):6.3f} s, "
                f"{median / baseline:5.1f} x baseline  {verdict}"
            )
        print(f"load average after timing: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
