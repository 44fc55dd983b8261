"""Features and targets for the global gradient-boosting forecaster.

Every series is turned into increments divided by its own scale (the mean absolute monthly change over the
months before the anchor), so one model can learn from series whose levels differ by orders of magnitude.
A row is (series, anchor month t, horizon h): features describe the scaled increments up to t, the target
is the mean scaled increment over the next h months, ``(y[t+h] - y[t]) / (h * scale)``. (Weighting rows by h
would make L1 on this target equal L1 on the h-month change; measured, the unweighted loss was as accurate
and LightGBM's weighted-median leaf updates made training three times slower, so rows are unweighted.)
Isolated spikes and dips are smoothed before any of this (``clean_spikes``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from frontier.trends.forecasting.errors import SeriesTooShort
from frontier.trends.forecasting.series import FloatArray, MonthlySeries

LAGS = 12  # scaled increments the model sees directly
SCALE_WINDOW = 24  # months of history the per-anchor scale averages over
MIN_FEATURE_LENGTH = 2  # values needed for one increment and a scale
FEATURE_NAMES = (
    *(f"lag_{k}" for k in range(1, LAGS + 1)),
    "mean_3",
    "mean_6",
    "mean_12",
    "sd_12",
    "mean_24",
    "mean_all",
    "log_rel_scale",
    "history_months",
    "observed_share_12",
    "horizon",
)


@dataclass(frozen=True)
class RowSet:
    """Model inputs: one row per (series, anchor, horizon)."""

    features: FloatArray  # shape (rows, len(FEATURE_NAMES))
    target: FloatArray  # mean scaled increment over the horizon (empty when predicting)
    scale: FloatArray  # per row: the scale that turns target back into values
    anchor_value: FloatArray  # y[t]
    horizon: npt.NDArray[np.int64]


SPIKE_WINDOW = 3  # neighbours on each side a month is compared with
SPIKE_MIN_LOG_DEVIATION = 0.05
SPIKE_SIGMAS = 4.0


def _row_nanmedian(rows: FloatArray) -> FloatArray:
    """Median of each row ignoring NaNs (every row has at least one value); np.nanmedian is slow on many
    short rows."""
    ordered = np.sort(rows, axis=1)  # NaNs sort last
    count = np.sum(~np.isnan(rows), axis=1)
    low = np.take_along_axis(ordered, ((count - 1) // 2)[:, None], axis=1)[:, 0]
    high = np.take_along_axis(ordered, (count // 2)[:, None], axis=1)[:, 0]
    result: FloatArray = (low + high) / 2.0
    return result


def clean_spikes(values: FloatArray) -> FloatArray:
    """Values with isolated spikes and dips replaced by the median of their neighbours.

    Snapshot glitches (a month where a list's sum drops 20% and comes back) would otherwise teach the
    model that growth reverses. A month is a spike when its log1p value is further than
    max(SPIKE_SIGMAS robust sds of monthly log changes, 5%) from the median of the SPIKE_WINDOW months on
    each side. Only months with neighbours on both sides are judged: the last month can't be told apart
    from a real jump, so it is kept as observed.
    """
    if len(values) < 2 * SPIKE_WINDOW + 1:
        return values
    logs = np.log1p(values)
    changes = np.diff(logs)
    sigma = 1.4826 * float(np.median(np.abs(changes - np.median(changes))))
    padded = np.concatenate((np.full(SPIKE_WINDOW, np.nan), logs, np.full(SPIKE_WINDOW, np.nan)))
    windows = sliding_window_view(padded, 2 * SPIKE_WINDOW + 1).copy()
    windows[:, SPIKE_WINDOW] = np.nan  # a month is not its own neighbour
    medians = _row_nanmedian(windows)
    spike = np.abs(logs - medians) > max(SPIKE_SIGMAS * sigma, SPIKE_MIN_LOG_DEVIATION)
    spike[0] = spike[-1] = False
    if not spike.any():
        return values
    cleaned = values.copy()
    cleaned[spike] = np.expm1(medians[spike])
    return cleaned


def anchor_scales(values: FloatArray) -> FloatArray:
    """For each anchor t >= 1: mean |increment| over the SCALE_WINDOW months up to t; index 0 is NaN.

    A flat stretch (scale 0) borrows a small positive floor so scaled values stay finite.
    """
    changes = np.abs(np.diff(values))
    sums = np.concatenate(([0.0], np.cumsum(changes)))
    ends = np.arange(1, len(values))
    starts = np.maximum(ends - SCALE_WINDOW, 0)
    scales = (sums[ends] - sums[starts]) / (ends - starts)
    floor = 1e-3 * max(float(np.mean(np.abs(values))), 1.0)
    return np.concatenate(([np.nan], np.maximum(scales, floor)))


def _padded_increments(values: FloatArray) -> FloatArray:
    """Increments front-padded with LAGS - 1 NaNs (missing to LightGBM), so early anchors have windows."""
    return np.concatenate((np.full(LAGS - 1, np.nan), np.diff(values)))


def _mean_change(values: FloatArray, anchors: npt.NDArray[np.int64], window: int | None) -> FloatArray:
    """Mean monthly change over the ``window`` months up to each anchor (all history when None)."""
    starts = np.zeros_like(anchors) if window is None else np.maximum(anchors - window, 0)
    return ((values[anchors] - values[starts]) / (anchors - starts))[:, None]


def _anchor_features(series: MonthlySeries, anchors: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
    """Feature rows (without the horizon column) and scales for the given anchors (indices into values)."""
    values = series.values
    scales = anchor_scales(values)[anchors]
    # Window a - 1 of the padded increments holds the LAGS increments ending at value a (NaN before start).
    windows = sliding_window_view(_padded_increments(values), LAGS)[anchors - 1]
    scaled = windows[:, ::-1] / scales[:, None]  # lag_1 first
    observed = np.concatenate(([0], np.cumsum(series.observed)))
    share = (observed[anchors + 1] - observed[np.maximum(anchors - 11, 0)]) / np.minimum(anchors + 1, 12)
    columns = [
        scaled,
        np.nanmean(scaled[:, :3], axis=1, keepdims=True),
        np.nanmean(scaled[:, :6], axis=1, keepdims=True),
        np.nanmean(scaled, axis=1, keepdims=True),
        np.nanstd(scaled, axis=1, keepdims=True),
        _mean_change(values, anchors, 24) / scales[:, None],
        _mean_change(values, anchors, None) / scales[:, None],
        np.log(scales / np.maximum(values[anchors], 1.0))[:, None],
        np.minimum(anchors, 120).astype(np.float64)[:, None],
        share[:, None],
    ]
    return np.hstack(columns), scales


def training_rows(series: MonthlySeries, horizon: int, max_anchors: int) -> RowSet | None:
    """Rows for every anchor with at least one future month, the latest ``max_anchors`` anchors only."""
    series = MonthlySeries(series.series_id, series.start, clean_spikes(series.values), series.observed)
    n = len(series.values)
    first = max(1, n - 1 - max_anchors)
    if n < MIN_FEATURE_LENGTH or first > n - 2:
        return None
    anchors = np.arange(first, n - 1, dtype=np.int64)
    base, scales = _anchor_features(series, anchors)
    steps = np.arange(1, horizon + 1, dtype=np.int64)
    anchor_grid, step_grid = np.meshgrid(np.arange(len(anchors)), steps, indexing="ij")
    keep = (anchors[anchor_grid] + step_grid) < n
    rows, hs = anchor_grid[keep], step_grid[keep]
    start_values = series.values[anchors[rows]]
    target = (series.values[anchors[rows] + hs] - start_values) / (hs * scales[rows])
    return RowSet(
        features=np.hstack((base[rows], hs[:, None].astype(np.float64))),
        target=target,
        scale=scales[rows],
        anchor_value=start_values,
        horizon=hs,
    )


def forecast_rows(series: MonthlySeries, horizon: int) -> RowSet:
    """Rows for forecasting 1..horizon months after the series' last month."""
    values = clean_spikes(series.values)
    if len(values) < MIN_FEATURE_LENGTH:
        raise SeriesTooShort(f"series {series.series_id!r} needs {MIN_FEATURE_LENGTH} months to forecast")
    series = MonthlySeries(series.series_id, series.start, values, series.observed)
    anchors = np.array([len(values) - 1], dtype=np.int64)
    base, scales = _anchor_features(series, anchors)
    hs = np.arange(1, horizon + 1, dtype=np.int64)
    return RowSet(
        features=np.hstack((np.repeat(base, horizon, axis=0), hs[:, None].astype(np.float64))),
        target=np.empty(0),
        scale=np.repeat(scales, horizon),
        anchor_value=np.full(horizon, values[-1]),
        horizon=hs,
    )
