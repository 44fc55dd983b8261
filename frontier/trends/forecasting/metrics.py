"""Forecast accuracy as in the M4 competition, and the "this technology will rise" call's error rates.

- MASE: mean absolute error over the horizon divided by the in-sample MAE of the one-step naive forecast
  (seasonal naive with m = 1: the series here are monthly but carry no usable seasonality) on the training
  window. A training window with zero scale (a flat series) makes MASE undefined: NaN, left out of means.
- sMAPE: the M4 definition, ``200/h * sum(|y - f| / (|y| + |f|))``, in percent, 0..200; a term whose actual
  and forecast are both 0 counts 0.
- OWA: ``0.5 * (sMAPE / sMAPE_naive + MASE / MASE_naive)``. M4 used Naive2 (naive on seasonally adjusted
  data); with no seasonal adjustment Naive2 *is* plain naive, which is the reference here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from frontier.trends.forecasting.series import FloatArray


def mase_scale(insample: FloatArray) -> float:
    """In-sample MAE of the naive one-step forecast (m = 1); 0.0 when undefined or flat (a scale below
    1e-12 of the series' level is floating-point noise, not change)."""
    if len(insample) < 2:
        return 0.0
    scale = float(np.mean(np.abs(np.diff(insample))))
    return scale if scale > 1e-12 * max(1.0, float(np.mean(np.abs(insample)))) else 0.0


def mase(actual: FloatArray, forecast: FloatArray, insample: FloatArray) -> float:
    """Mean absolute scaled error; NaN when the in-sample scale is 0 (see module docstring)."""
    scale = mase_scale(insample)
    if scale <= 0.0:
        return math.nan
    return float(np.mean(np.abs(actual - forecast))) / scale


def smape(actual: FloatArray, forecast: FloatArray) -> float:
    """Symmetric MAPE in percent (M4), 0..200."""
    denominator = np.abs(actual) + np.abs(forecast)
    terms = np.divide(
        np.abs(actual - forecast), denominator, out=np.zeros_like(denominator), where=denominator > 0
    )
    return float(200.0 * np.mean(terms))


def owa(mase_value: float, smape_value: float, mase_naive: float, smape_naive: float) -> float:
    """Overall weighted average relative to naive; NaN if the naive reference is 0 or undefined."""
    if not (mase_naive > 0 and smape_naive > 0):
        return math.nan
    return 0.5 * (smape_value / smape_naive + mase_value / mase_naive)


@dataclass(frozen=True)
class RiseCallStats:
    """How well "this technology will rise" was called; rates are None when their denominator is 0."""

    threshold: float
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int
    precision: float | None
    recall: float | None
    false_positive_rate: float | None
    false_negative_rate: float | None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def rise_call_stats(
    last_values: Sequence[float],
    predicted: Sequence[float],
    actual: Sequence[float],
    threshold: float = 0.05,
) -> RiseCallStats:
    """Score the call "rises": growth from ``last_values`` to the value at the horizon above ``threshold``.

    Each position is one series: its last training value, its forecast and its actual value at the end of
    the horizon. A series whose last value is 0 rises when its later value is positive. Returns counts,
    precision (TP/(TP+FP)), recall (TP/(TP+FN)), false positive rate (FP/(FP+TN)) and false negative rate
    (FN/(FN+TP)).
    """
    if not len(last_values) == len(predicted) == len(actual):
        raise ValueError("last_values, predicted and actual must have the same length")
    tp = fp = tn = fn = 0
    for base, guess, truth in zip(last_values, predicted, actual, strict=True):
        called, rose = _rises(base, guess, threshold), _rises(base, truth, threshold)
        tp += called and rose
        fp += called and not rose
        tn += not called and not rose
        fn += not called and rose
    return RiseCallStats(
        threshold=threshold,
        true_positives=tp,
        false_positives=fp,
        true_negatives=tn,
        false_negatives=fn,
        precision=_ratio(tp, tp + fp),
        recall=_ratio(tp, tp + fn),
        false_positive_rate=_ratio(fp, fp + tn),
        false_negative_rate=_ratio(fn, fn + tp),
    )


def _rises(base: float, later: float, threshold: float) -> bool:
    if base <= 0:
        return later > 0
    return (later - base) / base > threshold
