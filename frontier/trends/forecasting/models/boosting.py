"""One gradient-boosting model trained across all series on scaled increments (LightGBM, L1 loss).

Local models fit each series alone; on the GitHub series they stayed short of a damped trend's accuracy,
while one model learning from every series at once how scaled growth continues did clearly better
(bench/forecast_backtest.py). LightGBM directly rather than through mlforecast: the features are a few numpy
windows (boosting_features.py) scaled per anchor, which mlforecast's target transforms don't offer, and the
model trains on the input plus the bundled reference series (reference.py) cut at the input's latest month.
Direct multi-horizon: one model, the horizon is a feature. Deterministic: fixed seeds, ``deterministic=True``
and one thread by default (on a busy two-core machine OpenMP's spinning threads made two slower than one).

Intervals are split-conformal: a second model trained on data ending ``horizon`` months earlier forecasts
the held-out months; quantiles of its scaled errors, per horizon step, become the interval offsets (made
monotone, so intervals widen with the horizon and always contain the point forecast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from frontier.trends.forecasting.models.base import (
    DEFAULT_LEVEL,
    Forecast,
    Forecaster,
    check_horizon,
    make_forecast,
)
from frontier.trends.forecasting.models.baselines import NaiveForecaster
from frontier.trends.forecasting.models.boosting_features import (
    FEATURE_NAMES,
    MIN_FEATURE_LENGTH,
    RowSet,
    forecast_rows,
    training_rows,
)
from frontier.trends.forecasting.reference import reference_until
from frontier.trends.forecasting.series import FloatArray, MonthlySeries

if TYPE_CHECKING:  # imported where a model is trained: lightgbm takes ~0.7 s to import
    import lightgbm as lgb

MIN_TRAINING_ROWS = 200  # below this there is nothing to learn: forecasts continue the recent mean change
MIN_CALIBRATION_ERRORS = 10  # per horizon step, for an empirical quantile worth the name
MIN_REFERENCE_MONTHS = 24


@dataclass(frozen=True)
class BoostingSettings:
    """Hyper-parameters, chosen on the shared GitHub series (bench/forecast_backtest.py); accuracy was flat
    across 100-300 rounds, 15-63 leaves and 24-48 anchors, so the cheaper end is used."""

    rounds: int = 150
    learning_rate: float = 0.1
    num_leaves: int = 15
    min_data_in_leaf: int = 50
    feature_fraction: float = 0.8
    max_anchors: int = 24  # latest anchors per series used for training: recent dynamics matter most
    threads: int = 1
    use_reference: bool = True

    def lightgbm_params(self) -> dict[str, Any]:
        """Parameters for ``lightgbm.train``."""
        return {
            "objective": "l1",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "feature_fraction_seed": 7,
            "seed": 7,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": self.threads,
            "verbosity": -1,
        }


def _stack(row_sets: Sequence[RowSet]) -> RowSet:
    return RowSet(
        features=np.vstack([r.features for r in row_sets]),
        target=np.concatenate([r.target for r in row_sets]),
        scale=np.concatenate([r.scale for r in row_sets]),
        anchor_value=np.concatenate([r.anchor_value for r in row_sets]),
        horizon=np.concatenate([r.horizon for r in row_sets]),
    )


def _train(series: Sequence[MonthlySeries], horizon: int, settings: BoostingSettings) -> lgb.Booster | None:
    row_sets = [r for one in series if (r := training_rows(one, horizon, settings.max_anchors)) is not None]
    if not row_sets or sum(len(r.target) for r in row_sets) < MIN_TRAINING_ROWS:
        return None
    rows = _stack(row_sets)
    import lightgbm as lgb

    data = lgb.Dataset(rows.features, label=rows.target, feature_name=list(FEATURE_NAMES), free_raw_data=True)
    return lgb.train(settings.lightgbm_params(), data, num_boost_round=settings.rounds)


def _point_paths(
    booster: lgb.Booster | None, series: Sequence[MonthlySeries], horizon: int
) -> tuple[FloatArray, FloatArray]:
    """Point forecasts (series x horizon) and each series' scale; with no model, the last 12 months'
    mean change continues."""
    stacked = _stack([forecast_rows(one, horizon) for one in series])
    if booster is None:
        rate = stacked.features[:, FEATURE_NAMES.index("mean_12")]
    else:
        rate = np.asarray(booster.predict(stacked.features), dtype=np.float64)
    values = stacked.anchor_value + rate * stacked.horizon * stacked.scale
    return values.reshape(len(series), horizon), stacked.scale.reshape(len(series), horizon)[:, 0]


def _with_reference(
    series: Sequence[MonthlySeries], last_month: int, settings: BoostingSettings
) -> list[MonthlySeries]:
    if not settings.use_reference:
        return list(series)
    exclude = {one.series_id for one in series}
    return [*series, *reference_until(last_month, exclude, MIN_REFERENCE_MONTHS)]


def _calibration_errors(
    series: Sequence[MonthlySeries], horizon: int, settings: BoostingSettings
) -> list[FloatArray]:
    """Scaled errors (actual - forecast) / scale per horizon step, of a model fitted ``horizon`` months
    before the input's latest month, on the observed months after that: the input's series' errors, or
    the reference series' too where the input alone gives fewer than MIN_CALIBRATION_ERRORS."""
    cut = max(one.end for one in series) - horizon
    own = {one.series_id for one in series}
    pool = _with_reference(series, cut + horizon, settings)
    pairs = [(one, early) for one in pool if one.end > cut and (early := one.until(cut)) is not None]
    pairs = [(one, early) for one, early in pairs if len(early) >= MIN_FEATURE_LENGTH]
    mine: list[list[float]] = [[] for _ in range(horizon)]
    everyone: list[list[float]] = [[] for _ in range(horizon)]
    if pairs:
        booster = _train([early for _, early in pairs], horizon, settings)
        paths, scales = _point_paths(booster, [early for _, early in pairs], horizon)
        for (one, _), path, scale in zip(pairs, paths, scales, strict=True):
            for step in range(min(horizon, one.end - cut)):
                index = cut + 1 + step - one.start
                if one.observed[index]:
                    error = (one.values[index] - path[step]) / scale
                    everyone[step].append(error)
                    if one.series_id in own:
                        mine[step].append(error)
    return [
        np.asarray(m if len(m) >= MIN_CALIBRATION_ERRORS else e, dtype=np.float64)
        for m, e in zip(mine, everyone, strict=True)
    ]


def _offsets(errors: list[FloatArray], level: float, horizon: int) -> tuple[FloatArray, FloatArray]:
    """Lower and upper interval offsets in scale units per horizon step, from calibration error quantiles.

    A step with too few errors reuses the last step that had enough, widened by sqrt(h / h0); with none
    at all the offsets are those of a random walk whose steps are 1.5 scale units (roughly naive's)."""
    tail = (1.0 - level) / 2.0
    lower, upper = np.empty(horizon), np.empty(horizon)
    last: tuple[int, float, float] | None = None
    for step in range(horizon):
        sample = errors[step] if step < len(errors) else np.empty(0)
        if len(sample) >= MIN_CALIBRATION_ERRORS:
            last = (step + 1, float(np.quantile(sample, tail)), float(np.quantile(sample, 1.0 - tail)))
            lower[step], upper[step] = last[1], last[2]
        elif last is not None:
            widen = np.sqrt((step + 1) / last[0])
            lower[step], upper[step] = last[1] * widen, last[2] * widen
        else:
            lower[step], upper[step] = -1.5 * np.sqrt(step + 1), 1.5 * np.sqrt(step + 1)
    return lower, upper


class GlobalBoostingForecaster(Forecaster):
    """LightGBM trained across series on per-anchor scaled increments; split-conformal intervals."""

    name = "global_gbm"
    description = (
        "one LightGBM model across all series (and a bundled reference set): lagged increments scaled "
        "per series, L1 loss, direct multi-horizon; split-conformal intervals"
    )

    def __init__(self, settings: BoostingSettings | None = None) -> None:
        self.settings = settings or BoostingSettings()
        self.booster: lgb.Booster | None = None
        self.errors: list[FloatArray] = []

    def fit(self, series: Sequence[MonthlySeries], horizon: int) -> Self:
        """Train on every series (plus the reference series cut at their latest month), and the
        calibration model on the same data cut ``horizon`` months earlier."""
        check_horizon(horizon)
        usable = [one for one in series if len(one) >= MIN_FEATURE_LENGTH]
        if not usable:
            self.booster, self.errors = None, []
            return self
        last_month = max(one.end for one in usable)
        self.booster = _train(_with_reference(usable, last_month, self.settings), horizon, self.settings)
        # without own intervals predict() gives the random-walk placeholder offsets, replaced by the caller
        self.errors = _calibration_errors(usable, horizon, self.settings) if self.own_intervals else []
        return self

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Forecast each series from its own history (a series of one month: naive)."""
        check_horizon(horizon)
        long_enough = [one for one in series if len(one) >= MIN_FEATURE_LENGTH]
        by_id: dict[str, Forecast] = {}
        if long_enough:
            paths, scales = _point_paths(self.booster, long_enough, horizon)
            lower, upper = _offsets(self.errors, level, horizon)
            for one, path, scale in zip(long_enough, paths, scales, strict=True):
                by_id[one.series_id] = make_forecast(
                    one, path, path + lower * scale, path + upper * scale, level
                )
        short = [one for one in series if len(one) < MIN_FEATURE_LENGTH]
        for forecast in NaiveForecaster().predict(short, horizon, level):
            by_id[forecast.series_id] = forecast
        return [by_id[one.series_id] for one in series]
