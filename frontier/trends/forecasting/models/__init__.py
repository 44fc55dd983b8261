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


def make_forecaster(name: str) -> Forecaster:
    """A new, unfitted forecaster by name; ValueError naming the known ones otherwise."""
    try:
        return FORECASTERS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r} (known: {', '.join(FORECASTERS)})") from None


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
