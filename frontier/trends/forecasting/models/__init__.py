"""Forecasters behind one interface (base.Forecaster), by name."""

from __future__ import annotations

from collections.abc import Callable

from frontier.trends.forecasting.models.base import DEFAULT_LEVEL, MAX_HORIZON, Forecast, Forecaster
from frontier.trends.forecasting.models.baselines import DriftForecaster, NaiveForecaster
from frontier.trends.forecasting.models.boosting import BoostingSettings, GlobalBoostingForecaster
from frontier.trends.forecasting.models.damped import DampedTrendForecaster
from frontier.trends.forecasting.models.seed import SeedMomentumForecaster, seed_momentum

FORECASTERS: dict[str, Callable[[], Forecaster]] = {
    NaiveForecaster.name: NaiveForecaster,
    DriftForecaster.name: DriftForecaster,
    DampedTrendForecaster.name: DampedTrendForecaster,
    SeedMomentumForecaster.name: SeedMomentumForecaster,
    GlobalBoostingForecaster.name: GlobalBoostingForecaster,
}
BENCHMARKS = (NaiveForecaster.name, DriftForecaster.name, DampedTrendForecaster.name)


def make_forecaster(name: str, *, own_intervals: bool = True) -> Forecaster:
    """A new, unfitted forecaster by name; ValueError naming the known ones otherwise.

    ``own_intervals=False`` when the intervals will be replaced by calibrated ones (calibration.py): a
    model whose own intervals cost work (the global model's calibration model) then skips it."""
    try:
        model = FORECASTERS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r} (known: {', '.join(FORECASTERS)})") from None
    model.own_intervals = own_intervals
    return model


__all__ = [
    "BENCHMARKS",
    "DEFAULT_LEVEL",
    "FORECASTERS",
    "MAX_HORIZON",
    "BoostingSettings",
    "DampedTrendForecaster",
    "DriftForecaster",
    "Forecast",
    "Forecaster",
    "GlobalBoostingForecaster",
    "NaiveForecaster",
    "SeedMomentumForecaster",
    "make_forecaster",
    "seed_momentum",
]
