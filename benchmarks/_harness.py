"""Shared helpers for the scripts under ``benchmarks/``.

Every benchmark script follows one contract so that ``make bench`` can gather
them into one table:

* ``python benchmarks/bench_<name>.py [--quick] [--json PATH]``
* it measures *our* figure and each *reference* (stock boto3 signed, stock
  boto3 UNSIGNED, a hand-written loop, raw urllib3 ...) side by side in the same
  run, alternating ours and the reference run by run;
* it prints a readable table and, with ``--json``, writes a list of
  :class:`Row` dictionaries.

Ratios, not absolute times, are what we quote: these machines are shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


@dataclasses.dataclass
class Row:
    """One benchmark target and its verdict.

    ``ratio`` is always ours relative to the reference in the direction stated
    by ``better`` ("higher" means a larger ratio is better, e.g. throughput).
    """

    target: str
    ours: float
    reference_name: str
    reference: float
    unit: str
    ratio: float
    goal: str
    passed: bool
    spread: str = ""
    note: str = ""


@dataclasses.dataclass
class Sample:
    """Median and spread (interquartile range) of repeated measurements."""

    median: float
    low: float
    high: float
    values: list[float]

    @classmethod
    def of(cls, values: Sequence[float]) -> Sample:
        ordered = sorted(values)
        if len(ordered) >= 4:
            quartiles = statistics.quantiles(ordered, n=4)
            low, high = quartiles[0], quartiles[2]
        else:
            low, high = ordered[0], ordered[-1]
        return cls(statistics.median(ordered), low, high, list(values))

    def spread_text(self) -> str:
        if not self.median:
            return ""
        return f"IQR {self.low / self.median:.2f}-{self.high / self.median:.2f} of median"


def alternate(
    runs: int, contenders: dict[str, Callable[[], float]]
) -> dict[str, Sample]:
    """Run each contender ``runs`` times, interleaved, and summarise each.

    Each callable performs one run and returns its measurement (seconds, or
    whatever unit the caller chose). The order rotates every round so no
    contender always runs first.
    """
    names = list(contenders)
    results: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(runs):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(contenders[name]())
    return {name: Sample.of(values) for name, values in results.items()}


def timed(operation: Callable[[], Any]) -> float:
    """Return the wall time of one call of ``operation`` in seconds."""
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: prove it runs")
    parser.add_argument("--json", type=Path, help="write the rows as JSON here")
    return parser.parse_args()


def report(rows: Sequence[Row], json_path: Path | None) -> None:
    """Print ``rows`` as a table and optionally write them as JSON."""
    header = f"{'target':<58} {'ours':>11} {'reference':>11} {'ratio':>7}  goal / verdict"
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "PASS" if row.passed else "FAIL"
        print(
            f"{row.target:<58} {row.ours:>11.4g} {row.reference:>11.4g} {row.ratio:>7.3f}"
            f"  {row.goal} {verdict}  [{row.reference_name}; {row.unit}] {row.spread}"
        )
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(
            json.dumps([dataclasses.asdict(row) for row in rows], indent=1) + "\n",
            encoding="utf-8",
        )
