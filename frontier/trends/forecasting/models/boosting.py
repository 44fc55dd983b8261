"""One gradient-boosting model trained across all series on scaled increments (LightGBM, L1 loss).

Local models fit each series alone; on the GitHub series they stayed short of a damped trend's accuracy
by only a few percent, while one model learning from every series at once how scaled growth continues did
clearly better (bench/forecast_backtest.py). LightGBM directly rather than through mlforecast: the features
are a few numpy windows (boosting_features.py), and owning them keeps the scaling per anchor, which
mlforecast's target transforms don't offer. Deterministic: fixed seeds, ``deterministic=True``, 2 threads.

Intervals are split-conformal: a second model trained on data ending ``horizon`` months earlier forecasts
those held-out months; the quantiles of its scaled errors, per horizon, become the interval offsets
(made monotone so intervals widen with the horizon and always contain the point forecast).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import lightgbm as lgb
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
from frontier.trends.forecasting.series import FloatArray, MonthlySeries

MIN_TRAINING_ROWS = 200  # below this the global model has nothing to learn from: it forecasts like drift


@dataclass(frozen=True)
class BoostingSettings:
    """Hyper-parameters (chosen on the shared GitHub series; see the bench)."""

    rounds: int = 300
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_data_in_leaf: int = 100
    feature_fraction: float = 0.8
    bagging_fraction: float = 1.0
    max_bin: int = 255
    max_anchors: int = 48  # latest anchors per series used for training: recent dynamics matter most
    threads: int = 2

    def lightgbm_params(self) -> dict[str, Any]:
        """Parameters for ``lightgbm.train``."""
        return {
            "objective": "l1",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "feature_fraction_seed": 7,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1 if self.bagging_fraction < 1.0 else 0,
            "max_bin": self.max_bin,
            "bagging_seed": 7,
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
        weight=np.concatenate([r.weight for r in row_sets]),
        scale=np.concatenate([r.scale for r in row_sets]),
        anchor_value=np.concatenate([r.anchor_value for r in row_sets]),
        horizon=np.concatenate([r.horizon for r in row_sets]),
    )


def _train(series: Sequence[MonthlySeries], horizon: int, settings: BoostingSettings) -> lgb.Booster | None:
    row_sets = [r for one in series if (r := training_rows(one, horizon, settings.max_anchors)) is not None]
    if not row_sets or sum(len(r.target) for r in row_sets) < MIN_TRAINING_ROWS:
        return None
    rows = _stack(row_sets)
    data = lgb.Dataset(
        rows.features,
        label=rows.target,
        weight=rows.weight,
        feature_name=list(FEATURE_NAMES),
        free_raw_data=True,
    )
    return lgb.train(settings.lightgbm_params(), data, num_boost_round=settings.rounds)


def _point_paths(
    booster: lgb.Booster | None, series: Sequence[MonthlySeries], horizon: int
) -> tuple[FloatArray, FloatArray]:
    """Point forecasts (series x horizon) and each series' scale; a model-less fit continues the mean
    scaled increment of the last 12 months, like drift."""
    stacked = _stack([forecast_rows(one, horizon) for one in series])
    if booster is None:
        rate = stacked.features[:, FEATURE_NAMES.index("mean_12")]
    else:
        rate = np.asarray(booster.predict(stacked.features), dtype=np.float64)
    values = stacked.anchor_value + rate * stacked.horizon * stacked.scale
    return values.reshape(len(series), horizon), stacked.scale.reshape(len(series), horizon)[:, 0]


def _calibration_errors(
    series: Sequence[MonthlySeries], horizon: int, settings: BoostingSettings
) -> list[FloatArray]:
    """Scaled errors (actual - forecast) / scale, per horizon step, of a model fitted ``horizon`` months
    before the latest month and scored on the observed months after that."""
    cut = max(one.end for one in series) - horizon
    pairs = [(one, early) for one in series if (early := one.until(cut)) is not None and len(early) >= 2]
    pairs = [(one, early) for one, early in pairs if one.end > cut]
    errors: list[list[float]] = [[] for _ in range(horizon)]
    if not pairs:
        return [np.asarray(e) for e in errors]
    booster = _train([early for _, early in pairs], horizon, settings)
    paths, scales = _point_paths(booster, [early for _, early in pairs], horizon)
    for (one, _), path, scale in zip(pairs, paths, scales, strict=True):
        for step in range(min(horizon, one.end - cut)):
            index = cut + 1 + step - one.start
            if one.observed[index]:
                errors[step].append((one.values[index] - path[step]) / scale)
    return [np.asarray(e, dtype=np.float64) for e in errors]


MIN_CALIBRATION_ERRORS = 10


def _offsets(errors: list[FloatArray], level: float, horizon: int) -> tuple[FloatArray, FloatArray]:
    """Lower and upper interval offsets in scale units per horizon step, from calibration error quantiles.

    A step with too few errors reuses the last step that had enough, widened by sqrt(h / h0); with none
    at all the offsets are those of a random walk whose steps are one scale unit (roughly naive's)."""
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
            spread = 1.5 * np.sqrt(step + 1)
            lower[step], upper[step] = -spread, spread
    return lower, upper


class GlobalBoostingForecaster(Forecaster):
    """LightGBM trained across series on per-anchor scaled increments; conformal intervals."""

    name = "global_gbm"
    description = (
        "one LightGBM model across all series: lagged increments scaled per series, L1 loss, "
        "direct multi-horizon; split-conformal intervals"
    )

    def __init__(self, settings: BoostingSettings | None = None) -> None:
        self.settings = settings or BoostingSettings()
        self.booster: lgb.Booster | None = None
        self.errors: list[FloatArray] = []

    def fit(self, series: Sequence[MonthlySeries], horizon: int) -> Self:
        """Train the model on every series, and the calibration model on the same data cut earlier."""
        check_horizon(horizon)
        usable = [one for one in series if len(one) >= MIN_FEATURE_LENGTH]
        self.booster = _train(usable, horizon, self.settings)
        self.errors = _calibration_errors(usable, horizon, self.settings) if usable else []
        return self

    def predict(
        self, series: Sequence[MonthlySeries], horizon: int, level: float = DEFAULT_LEVEL
    ) -> list[Forecast]:
        """Forecast each series from its own history (series with one month: naive)."""
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
