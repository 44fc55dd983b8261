"""What can go wrong when forecasting, as exceptions specific enough to catch one without hiding others."""

from __future__ import annotations

from frontier.errors import FrontierError


class SeriesTooShort(ValueError):
    """The series are too short for what was asked (no backtest origin, too few months for a model).

    A ValueError, like every other problem with the input; the one a caller may answer with a fallback.
    """


class ForecastNotFinite(FrontierError):
    """A model forecast NaN or infinity: a fault of the model (or of data it can't handle), reported rather
    than left out of the means it would otherwise vanish from."""
