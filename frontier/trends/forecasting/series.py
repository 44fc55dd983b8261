"""Monthly series: reading ``series_id,month,value`` CSVs and putting each series on a regular monthly index.

Months may be missing. A series keeps its own first and last observed month; the months in between that the
CSV lacks are filled by linear interpolation of ``log1p(value)`` (geometric interpolation, because star-like
counts grow multiplicatively) so that models see a regular series. ``observed`` remembers which months were
real: the backtest scores forecasts only on observed months, never on interpolated ones.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

REQUIRED_COLUMNS = ("series_id", "month", "value")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> int:
    """The month ``YYYY-MM`` as a month ordinal (``year * 12 + month - 1``); ValueError if malformed."""
    match = _MONTH.match(text.strip())
    if match is None:
        raise ValueError(f"month {text!r} is not YYYY-MM")
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def format_month(ordinal: int) -> str:
    """The month ordinal as ``YYYY-MM``."""
    year, month0 = divmod(ordinal, 12)
    return f"{year:04d}-{month0 + 1:02d}"


@dataclass(frozen=True)
class MonthlySeries:
    """One series on a regular monthly index from its first to its last observed month."""

    series_id: str
    start: int  # month ordinal of values[0]
    values: FloatArray  # one value a month; gaps filled (see module docstring)
    observed: BoolArray  # True where the input had a value

    @property
    def end(self) -> int:
        """Month ordinal of the last value."""
        return self.start + len(self.values) - 1

    def __len__(self) -> int:
        return len(self.values)

    def until(self, last_month: int) -> MonthlySeries | None:
        """The series cut after ``last_month`` (inclusive), or None if it starts later."""
        if last_month < self.start:
            return None
        keep = last_month - self.start + 1
        return MonthlySeries(self.series_id, self.start, self.values[:keep], self.observed[:keep])


def _log_interpolate(
    index: npt.NDArray[np.int64], months: npt.NDArray[np.int64], raw: FloatArray
) -> FloatArray:
    """Linear interpolation of log1p(value), written so that observed months and gaps between equal values
    come out exact (a flat stretch must stay flat: a last-bit wobble would make its MASE scale nonzero)."""
    left = np.searchsorted(months, index, side="right") - 1
    right = np.minimum(left + 1, len(months) - 1)
    span = (months[right] - months[left]).astype(np.float64)
    fraction = np.divide(index - months[left], span, out=np.zeros(len(index)), where=span > 0)
    ratio = (1.0 + raw[right]) / (1.0 + raw[left])
    values: FloatArray = (1.0 + raw[left]) * np.power(ratio, fraction) - 1.0
    return values


def series_from_points(series_id: str, points: Mapping[int, float]) -> MonthlySeries:
    """A regular series from ``{month ordinal: value}``; missing months interpolated in log1p space."""
    if not points:
        raise ValueError(f"series {series_id!r} has no values")
    months = np.array(sorted(points), dtype=np.int64)
    raw = np.array([points[int(m)] for m in months], dtype=np.float64)
    if np.any(raw < 0) or not np.all(np.isfinite(raw)):
        raise ValueError(f"series {series_id!r}: values must be finite and non-negative")
    start, end = int(months[0]), int(months[-1])
    index = np.arange(start, end + 1)
    values = _log_interpolate(index, months, raw)
    observed = np.zeros(len(index), dtype=np.bool_)
    observed[months - start] = True
    return MonthlySeries(series_id, start, values, observed)


def _parse_value(text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"line {line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}: value {text!r} is not finite")
    if value < 0:
        # Series here are counts (stars, questions, postings): a negative one is a data error.
        raise ValueError(f"line {line}: value {text!r} is negative (series are counts)")
    return value


def _collect_rows(rows: Iterable[dict[str, str | None]]) -> dict[str, dict[int, float]]:
    points: dict[str, dict[int, float]] = {}
    first_line: dict[tuple[str, int], int] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        series_id = (row.get("series_id") or "").strip()
        if not series_id:
            raise ValueError(f"line {line}: series_id is empty")
        try:
            month = parse_month(row.get("month") or "")
        except ValueError as error:
            raise ValueError(f"line {line}: {error}") from None
        value = _parse_value((row.get("value") or "").strip(), line)
        key = (series_id, month)
        if key in first_line:
            raise ValueError(
                f"line {line}: duplicate month {format_month(month)} for series {series_id!r} "
                f"(first at line {first_line[key]})"
            )
        first_line[key] = line
        points.setdefault(series_id, {})[month] = value
    return points


def read_series_csv(path: Path) -> dict[str, MonthlySeries]:
    """Read a ``series_id,month,value`` CSV (other columns ignored; ``.gz`` read compressed) into regular
    series, in file order.

    Raises ValueError naming the line and field for a missing column, a malformed month, a value that is
    not a finite non-negative number, a duplicate (series_id, month), or a file with no rows; OSError if
    the file can't be read.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"line 1: missing column(s) {', '.join(missing)} (need series_id,month,value)")
        points = _collect_rows(reader)
    if not points:
        raise ValueError(f"{path}: no data rows")
    return {series_id: series_from_points(series_id, p) for series_id, p in points.items()}
