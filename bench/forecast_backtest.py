"""Rolling-origin backtest of every forecaster on the shared GitHub series (``python -m bench.forecast_backtest``).

Series: the stars of every language's top-100 list (language_monthly.csv) and the stars of every
repository observed in at least ``--min-months`` months (repo_monthly.csv.gz; gaps are interpolated in log
space and never scored). Prints each model's MASE / sMAPE / OWA (mean over origins), the per-origin MASE,
the ratio default MASE / min(naive, drift, damped MASE) (target <= 0.90), and seconds per 1,000 series for
fit + forecast.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import time
from collections import defaultdict
from pathlib import Path

from frontier.trends.forecasting.backtest import BacktestReport, run_backtest
from frontier.trends.forecasting.models import BENCHMARKS, FORECASTERS
from frontier.trends.forecasting.series import MonthlySeries, parse_month, series_from_points

# ../shared beside the project root (the data sets shipped to developers and CI), overridable for other copies.
DATA = Path(
    os.environ.get(
        "BENCH_GITHUB_RANKING", Path(__file__).resolve().parents[2] / "shared" / "data" / "github-ranking"
    )
)


def load_languages(path: Path) -> list[MonthlySeries]:
    points: dict[str, dict[int, float]] = defaultdict(dict)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            points[f"lang:{row['language']}"][parse_month(row["month"])] = float(row["stars"])
    return [series_from_points(name, p) for name, p in points.items()]


def load_repos(path: Path, min_months: int) -> list[MonthlySeries]:
    points: dict[str, dict[int, float]] = defaultdict(dict)
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            points[row["repo"]][parse_month(row["month"])] = float(row["stars"])
    return [series_from_points(name, p) for name, p in points.items() if len(p) >= min_months]


def print_report(title: str, report: BacktestReport, count: int) -> None:
    print(f"\n== {title}: {count} series, horizon {report.horizon}, origins {', '.join(report.origins)}")
    print(
        f"{'model':<12}{'MASE':>8}{'sMAPE':>8}{'OWA':>8}{'s/1k wall':>11}{'s/1k cpu':>10}   per-origin MASE"
    )
    for name, score in report.models.items():
        fits = sum(o.series for o in score.origins) / 1000  # series forecast, over all origins
        origins = " ".join(f"{o.mase:.3f}" for o in score.origins)
        print(
            f"{name:<12}{score.mase:>8.3f}{score.smape:>8.2f}{score.owa:>8.3f}"
            f"{score.seconds / fits:>11.2f}{score.cpu_seconds / fits:>10.2f}   {origins}"
        )
    best = min(BENCHMARKS, key=lambda b: report.models[b].mase)
    print(
        f"default: {report.default}; ratio MASE default / best benchmark ({best}): {report.benchmark_ratio():.3f}"
    )
    for o_def, o_best in zip(report.models[report.default].origins, report.models[best].origins, strict=True):
        print(f"  origin {o_def.origin}: {o_def.mase / o_best.mase:.3f} ({o_def.series} series)")
    rise = report.models[report.default].rise
    print(
        f"rise call (> +{rise.threshold:.0%}): precision {rise.precision}, recall {rise.recall}, "
        f"FPR {rise.false_positive_rate}, FNR {rise.false_negative_rate}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--min-months", type=int, default=36)
    parser.add_argument("--models", default=",".join(FORECASTERS))
    parser.add_argument("--only", choices=["languages", "repos", "both"], default="both")
    args = parser.parse_args()
    models = args.models.split(",")
    sets = []
    if args.only in ("languages", "both"):
        sets.append(("language stars", load_languages(DATA / "language_monthly.csv")))
    if args.only in ("repos", "both"):
        sets.append(
            (
                f"repo stars (>= {args.min_months} months)",
                load_repos(DATA / "repo_monthly.csv.gz", args.min_months),
            )
        )
    for title, series in sets:
        started = time.perf_counter()
        report = run_backtest(series, args.horizon, models)
        print_report(title, report, len(series))
        print(f"wall time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
