"""How well the trend statuses predicted on the demo's real GitHub series: as of every quarter 2021-01..2024-07,
each status's share and the median growth of its technologies over the next 12 months (the README's table).
Rising should outgrow mainstream and declining grow least on (nearly) every day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import sessionmaker

from bench.common import bench_database
from frontier.demo.loader import load_demo
from frontier.trends.status_backtest import backtest_statuses, format_table, quarters

# the demo's series end 2025-08: 2024-07 is the last quarter with 12 months of data after it
DAYS = [day for day in quarters(2021, 2024) if day <= date(2024, 7, 1)]


def main() -> None:
    with bench_database("statuses") as engine, sessionmaker(engine).begin() as session:
        load_demo(session)
        for line in format_table(backtest_statuses(session, DAYS)):
            print(line)


if __name__ == "__main__":
    main()
