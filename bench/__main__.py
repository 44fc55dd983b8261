"""Run every benchmark: ``python -m bench``. Each prints ratios to a baseline from the same run."""

from __future__ import annotations

import importlib
import sys

# Modules of this package with a ``main()``, run in this order.
BENCHMARKS: list[str] = [
    "trend_momentum",
    "status_backtest",
    "forecast_backtest",
    "search_bench",
    "path_bench",
    "cache_bench",
    "cli_bench",
]


def main() -> int:
    if not BENCHMARKS:
        print("no benchmarks yet: the trend and discovery issues add them")
        return 0
    for name in BENCHMARKS:
        print(f"== bench.{name}")
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
