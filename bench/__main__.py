"""Run every benchmark: ``python -m bench``. Each prints ratios to a baseline from the same run."""

from __future__ import annotations

import sys

BENCHMARKS: list[str] = []


def main() -> int:
    if not BENCHMARKS:
        print("no benchmarks yet: the trend and discovery issues add them")
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
