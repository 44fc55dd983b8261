"""How well the statuses have predicted: compute them as of past days and judge each day's statuses by how
much their technologies grew in the 12 months that followed (the data after the day, which the computation
as of that day never reads).

The computations run in a savepoint that is rolled back: a backtest leaves no scores, snapshots or alerts.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from frontier.trends.analytics import compute_scores
from frontier.trends.analytics_sql import SIGNALS

STATUSES = ("emerging", "rising", "mainstream", "declining")
_KINDS = "kinds(signal, kind) AS (VALUES {})".format(
    ", ".join(f"('{source}.{metric}', '{kind}')" for source, metric, kind, _ in SIGNALS)
)


def _value_at(month: str) -> str:
    """A signal's value at ``month``: a level's latest value within the 3 months ending then (a series can
    miss a month), a flow's sum over those months."""
    return f"""(SELECT CASE WHEN k.kind = 'level' THEN (array_agg(m.last ORDER BY m.month DESC))[1]
                            ELSE sum(m.total) END
       FROM signal_months m
       WHERE m.technology_id = j.technology_id AND m.source || '.' || m.metric = j.signal
         AND m.month > ({month} - interval '3 months')::date AND m.month <= {month})"""


_START = "(date_trunc('month', CAST(:day AS date)) - interval '1 month')::date"  # last month the day saw
_END = "(date_trunc('month', CAST(:day AS date)) + interval '11 months')::date"  # 12 months later

# Each technology scored on the day: its status and the mean log growth of its signals over the next 12 months
# (NULL where the data doesn't reach that far).
_JUDGED = f"""
WITH {_KINDS},
judged AS (
    SELECT h.technology_id, h.trend_status, b->>'signal' AS signal
    FROM technology_score_history h CROSS JOIN jsonb_array_elements(h.details->'basis') b
    WHERE h.computed_on = CAST(:day AS date)
),
valued AS (
    SELECT j.technology_id, j.trend_status, {_value_at(_START)} AS before, {_value_at(_END)} AS after
    FROM judged j JOIN kinds k USING (signal)
)
SELECT trend_status::text AS status, avg(ln(greatest(after, 1) / greatest(before, 1))) AS growth
FROM valued WHERE before IS NOT NULL AND after IS NOT NULL
GROUP BY technology_id, trend_status
"""


@dataclass(frozen=True)
class StatusOutcome:
    """One status on one day: how many technologies held it and how they grew in the next 12 months."""

    as_of: date
    status: str
    count: int
    share: float  # of the technologies judged that day
    median_growth: float | None  # median log growth of the next 12 months (0.69 = doubled)


def backtest_statuses(session: Session, days: Iterable[date]) -> list[StatusOutcome]:
    """Each status on each day (oldest first; each computation sees the one before it, as the hysteresis
    would in production) with the next 12 months' growth of its technologies."""
    outcomes: list[StatusOutcome] = []
    savepoint = session.begin_nested()
    try:
        for day in sorted(days):
            compute_scores(session, day)
            rows = session.execute(text(_JUDGED), {"day": day}).all()
            outcomes.extend(_outcomes(day, [(str(r.status), float(r.growth)) for r in rows]))
    finally:
        savepoint.rollback()
    return outcomes


def _outcomes(day: date, judged: Sequence[tuple[str, float]]) -> list[StatusOutcome]:
    result = []
    for status in STATUSES:
        growths = [growth for held, growth in judged if held == status]
        result.append(
            StatusOutcome(
                as_of=day,
                status=status,
                count=len(growths),
                share=len(growths) / len(judged) if judged else 0.0,
                median_growth=statistics.median(growths) if growths else None,
            )
        )
    return result


def quarters(first_year: int, last_year: int) -> list[date]:
    """The first day of every quarter of the years (the backtest's usual days)."""
    return [date(year, month, 1) for year in range(first_year, last_year + 1) for month in (1, 4, 7, 10)]


def _cell(outcome: StatusOutcome | None) -> str:
    if outcome is None or outcome.median_growth is None:
        return "—"
    return f"{outcome.share:>4.0%} {math.expm1(outcome.median_growth):>+7.1%}"


def format_table(outcomes: Sequence[StatusOutcome]) -> list[str]:
    """The backtest as text lines: per day, each status's share and its median growth over the next year."""
    lines = [
        "as of       " + "".join(f"{status:>20}" for status in STATUSES) + "   (share, growth next 12 months)"
    ]
    for day in sorted({row.as_of for row in outcomes}):
        row = {o.status: o for o in outcomes if o.as_of == day}
        lines.append(f"{day}  " + "".join(f"{_cell(row.get(s)):>20}" for s in STATUSES))
    return lines
