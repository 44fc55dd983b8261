"""The statuses predict: on the demo's real GitHub series, technologies called rising as of a day outgrew the
mainstream ones over the next 12 months, declining ones grew least, and each status holds a plausible share."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select

from frontier.db.session import Database
from frontier.trends.models import TechnologyScoreSnapshot
from frontier.trends.status_backtest import (
    STATUSES,
    StatusOutcome,
    backtest_statuses,
    format_table,
    quarters,
)

pytestmark = pytest.mark.slow  # minutes of fuzzing, backtests or whole-database copies: not in make test-fast

# the demo's series end 2025-08: 2024-07 is the last quarter with 12 months of data after it
DAYS = [day for day in quarters(2021, 2024) if day <= date(2024, 7, 1)]


def by_day(result: list[StatusOutcome]) -> dict[date, dict[str, StatusOutcome]]:
    table: dict[date, dict[str, StatusOutcome]] = defaultdict(dict)
    for row in result:
        table[row.as_of][row.status] = row
    return table


def test_statuses_predict_the_next_year_on_the_demo(db: Database) -> None:
    with db.session() as session:
        result = backtest_statuses(session, DAYS)
        left = session.scalar(
            select(func.count())
            .select_from(TechnologyScoreSnapshot)
            .where(TechnologyScoreSnapshot.computed_on.in_(DAYS))
        )
    print("\n" + "\n".join(format_table(result)))  # shown with -s: the table the README quotes
    table = by_day(result)
    assert sorted(table) == DAYS and left == 0  # every day judged; the backtest leaves nothing behind
    rising_beats_mainstream = emerging_beats_mainstream = declining_lowest = 0
    for row in table.values():
        growth = {s: r.median_growth for s, r in row.items() if r.median_growth is not None}
        # no status with ~all or ~none; emerging (young and fast) is rare among 100 mostly established
        # technologies, but never empty
        assert all(row[s].share <= 0.75 for s in STATUSES), row
        assert all(row[s].share >= 0.02 for s in STATUSES if s != "emerging"), row
        assert row["emerging"].share > 0, row
        rising_beats_mainstream += growth["rising"] > growth["mainstream"]
        emerging_beats_mainstream += growth["emerging"] > growth["mainstream"]
        declining_lowest += growth["declining"] == min(growth.values())
    assert rising_beats_mainstream >= 0.8 * len(DAYS)
    assert emerging_beats_mainstream >= 0.8 * len(DAYS)
    assert declining_lowest >= 0.8 * len(DAYS)
