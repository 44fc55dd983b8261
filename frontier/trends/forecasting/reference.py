"""A reference set of real monthly series that the global model learns from beside its input.

A global model needs many series; a CSV of ten technologies gives it too few. So it also trains on
``reference_series.csv.gz``: the monthly stars of 1,000 repositories, drawn at random (seed 0) from those
observed in at least 36 months of the GitHub-Ranking snapshots (github.com/EvanLi/Github-Ranking, MIT licence,
Copyright (c) 2018 Evan Li; derived as described in shared/data/github-ranking/README.md, months up to
2025-08). Reference series are always cut at the input's latest month, so a backtest or a forecast made
"as of" some month never learns from anything after it.
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import cache
from pathlib import Path

import numpy as np

from frontier.trends.forecasting.series import MonthlySeries, read_series_csv

REFERENCE_FILE = Path(__file__).with_name("reference_series.csv.gz")
REFERENCE_SIZE = 1000
MIN_REFERENCE_MONTHS = 36


@cache
def reference_series() -> tuple[MonthlySeries, ...]:
    """The bundled reference series (read once per process)."""
    return tuple(read_series_csv(REFERENCE_FILE).values())


def reference_until(last_month: int, exclude: set[str], min_months: int) -> list[MonthlySeries]:
    """Reference series cut after ``last_month`` with at least ``min_months`` months by then, except the
    ids in ``exclude`` (an input that already holds a reference series must not count it twice)."""
    cut = (one.until(last_month) for one in reference_series() if one.series_id not in exclude)
    return [one for one in cut if one is not None and len(one) >= min_months]


def write_reference_file(repo_monthly: Path, out: Path = REFERENCE_FILE, size: int = REFERENCE_SIZE) -> int:
    """Rebuild the reference file from the shared ``repo_monthly.csv.gz``; returns the series written."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with gzip.open(repo_monthly, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["repo"], []).append((row["month"], row["stars"]))
    eligible = sorted(repo for repo, months in rows.items() if len(months) >= MIN_REFERENCE_MONTHS)
    chosen = sorted(np.random.default_rng(0).choice(eligible, size=min(size, len(eligible)), replace=False))
    # mtime=0: rebuilding from the same data gives the same bytes.
    with (
        gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as raw,
        io.TextIOWrapper(raw, newline="") as handle,
    ):
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["series_id", "month", "value"])
        for repo in chosen:
            writer.writerows((repo, month, stars) for month, stars in sorted(rows[repo]))
    return len(chosen)
