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
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Optional


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


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (the value at index ``int(q * n)`` once sorted; 0 if none).

    Examples
    --------
    >>> quantile([float(n) for n in range(1, 101)], 0.99)
    100.0
    """
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def alternate(runs: int, contenders: dict[str, Callable[[], float]]) -> dict[str, Sample]:
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


# ---------------------------------------------------------------------------
# Additions (backward compatible): goals, machine facts, a clean AWS
# environment and an emulator in its own process, shared by every script.
# ---------------------------------------------------------------------------

_GOAL_OPERATORS = (
    ("<=", "<="),
    (">=", ">="),
    ("\u2264", "<="),
    ("\u2265", ">="),
    ("at most", "<="),
    ("at least", ">="),
    ("under", "<"),
    ("below", "<"),
    ("above", ">"),
    ("over", ">"),
    ("<", "<"),
    (">", ">"),
)
_GOAL_NUMBER = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z%/]*)")


@dataclasses.dataclass(frozen=True)
class Goal:
    """A goal parsed from a :class:`Row`'s ``goal`` text, e.g. ``"<= 1.03x"``.

    ``unit`` is ``"x"`` for a goal on the ratio itself; anything else (``"ms"``,
    ``"MB"``...) is a goal on the absolute figure and only tells the direction.
    """

    operator: str
    value: float
    unit: str

    @property
    def on_ratio(self) -> bool:
        return self.unit == "x"

    @property
    def lower_is_better(self) -> bool:
        return self.operator in ("<", "<=")

    def met_by(self, value: float) -> bool:
        comparisons: dict[str, Callable[[float, float], bool]] = {
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        return comparisons[self.operator](value, self.value)


def parse_goal(goal: str) -> Optional[Goal]:
    """Read the first comparison in ``goal``; ``None`` for report-only rows.

    Examples
    --------
    >>> parse_goal("<= 1.03x")
    Goal(operator='<=', value=1.03, unit='x')
    >>> parse_goal("under 50 ms").unit
    'ms'
    >>> parse_goal("report") is None
    True
    """
    lowered = goal.lower()
    best: Optional[tuple[int, str, re.Match[str]]] = None
    for spelling, operator in _GOAL_OPERATORS:
        start = lowered.find(spelling)
        while start != -1:
            match = _GOAL_NUMBER.match(lowered, start + len(spelling))
            if match is not None:
                if best is None or start < best[0]:
                    best = (start, operator, match)
                break
            start = lowered.find(spelling, start + 1)
    if best is None:
        return None
    _, operator, match = best
    return Goal(operator, float(match.group(1)), match.group(2) or "x")


def paired_ratios(ours: Sample, reference: Sample) -> Sample:
    """Per-round ``ours / reference`` of two samples taken by the same :func:`alternate` call.

    Runs of one round happen next to each other, so a slow spell of a shared
    machine hits both; the median of these ratios is steadier than the ratio of
    the two medians.

    Examples
    --------
    >>> paired_ratios(Sample.of([1.0, 4.0]), Sample.of([2.0, 4.0])).values
    [0.5, 1.0]
    """
    if len(ours.values) != len(reference.values):
        raise ValueError("paired samples need the same number of runs")
    return Sample.of([a / b if b else float("inf") for a, b in zip(ours.values, reference.values)])


def ratio_row(
    *,
    target: str,
    ours: Sample,
    reference_name: str,
    reference: Sample,
    unit: str,
    goal: str,
    note: str = "",
    paired: bool = False,
) -> Row:
    """Build a :class:`Row` whose verdict is ``ours / reference`` against ``goal``.

    ``goal`` must be a ratio goal (``"<= 1.03x"``, ``">= 0.9x"``) or report-only
    text (``"report"``), which always passes. With ``paired=True`` (both samples
    from one :func:`alternate` call) the ratio is the median of per-round ratios.

    Examples
    --------
    >>> row = ratio_row(target="t", ours=Sample.of([1.0]), reference_name="stock",
    ...                 reference=Sample.of([2.0]), unit="s", goal="<= 1.03x")
    >>> (row.ratio, row.passed)
    (0.5, True)
    """
    parsed = parse_goal(goal)
    if parsed is not None and not parsed.on_ratio:
        raise ValueError(f"ratio_row needs a ratio goal such as '<= 1.03x', got {goal!r}")
    spread = f"ours {ours.spread_text()}; ref {reference.spread_text()}"
    if paired:
        per_round = paired_ratios(ours, reference)
        ratio = per_round.median
        spread = (
            f"median of {len(per_round.values)} per-round ratios, "
            f"IQR {per_round.low:.3f}-{per_round.high:.3f}; " + spread
        )
    else:
        ratio = ours.median / reference.median if reference.median else float("inf")
    passed = True if parsed is None else parsed.met_by(ratio)
    return Row(
        target=target,
        ours=ours.median,
        reference_name=reference_name,
        reference=reference.median,
        unit=unit,
        ratio=ratio,
        goal=goal,
        passed=passed,
        spread=spread,
        note=note,
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _distribution_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict[str, str]:
    """Facts about the machine and versions a benchmark ran on, for the report."""
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "botocore": _distribution_version("botocore"),
        "boto3": _distribution_version("boto3"),
        "boto3-connectparticipant-ext": _distribution_version("boto3-connectparticipant-ext"),
        "urllib3": _distribution_version("urllib3"),
    }


def scrubbed_aws_env(
    empty_dir: Path, *, extra: Optional[Mapping[str, str]] = None
) -> dict[str, str]:
    """This process's environment without any ``AWS_*`` variable.

    Config and credentials files point at empty files inside ``empty_dir`` so
    nothing from the machine's ``~/.aws`` leaks into a measurement; ``extra`` is
    added last (for example ``AWS_EC2_METADATA_SERVICE_ENDPOINT``).
    """
    empty_dir.mkdir(parents=True, exist_ok=True)
    config = empty_dir / "aws-config"
    credentials = empty_dir / "aws-credentials"
    for path in (config, credentials):
        path.write_text("", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = str(config)
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(credentials)
    env.update(extra or {})
    return env


# The child keeps the emulator in its own process (its own GIL) and answers one
# JSON command per line on stdin, so the parent can create chats remotely.
_EMULATOR_CHILD = r"""
import gc, json, sys
from boto3_connectparticipant_ext.emulator import Emulator

with Emulator() as emulator:
    print(json.dumps({"endpoint_url": emulator.endpoint_url}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["command"] == "start_chat":
                chat = emulator.start_chat(**request.get("arguments", {}))
                answer = {"ok": True, "result": dict(chat)}
            elif request["command"] == "gc_freeze":
                gc.collect()
                gc.freeze()
                answer = {"ok": True, "result": {}}
            else:
                answer = {"ok": False, "error": "unknown command " + repr(request["command"])}
        except Exception as error:
            answer = {"ok": False, "error": type(error).__name__}
        print(json.dumps(answer, default=str), flush=True)
"""


class EmulatorProcess:
    """The emulator running in a child process, so it never shares our GIL.

    Examples
    --------
    >>> with EmulatorProcess() as emulator:                     # doctest: +SKIP
    ...     chat = emulator.start_chat(display_name="C")
    ...     client = boto3.client("connectparticipant", endpoint_url=emulator.endpoint_url)
    """

    def __init__(self, *, env: Optional[Mapping[str, str]] = None, startup_timeout: float = 60.0):
        self._env = dict(env) if env is not None else None
        self._startup_timeout = startup_timeout
        self._process: Optional[subprocess.Popen[str]] = None
        self.endpoint_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _EMULATOR_CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=self._env,
        )
        first = self._read_line(self._startup_timeout)
        self.endpoint_url = str(first["endpoint_url"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        try:
            process.stdin.close()
            process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            if process.stdout is not None:
                process.stdout.close()

    def start_chat(self, **arguments: Any) -> dict[str, Any]:
        """Call ``Emulator.start_chat(**arguments)`` in the child and return its result."""
        return self._command("start_chat", arguments)

    def gc_freeze(self) -> None:
        """Collect, then freeze the child's objects (``gc.freeze``): with thousands of chats
        its full collections pause every answer for hundreds of milliseconds, noise that
        would otherwise decide a p99 measured through it."""
        self._command("gc_freeze", {})

    def _command(self, command: str, arguments: dict[str, Any]) -> dict[str, Any]:
        process = self._require_process()
        assert process.stdin is not None
        process.stdin.write(json.dumps({"command": command, "arguments": arguments}) + "\n")
        process.stdin.flush()
        answer = self._read_line(30.0)
        if not answer.get("ok"):
            raise RuntimeError(f"emulator {command} failed: {answer.get('error')}")
        result: dict[str, Any] = answer["result"]
        return result

    def _require_process(self) -> subprocess.Popen[str]:
        if self._process is None:
            raise RuntimeError("EmulatorProcess is not running; use it as a context manager")
        return self._process

    def _read_line(self, timeout: float) -> dict[str, Any]:
        process = self._require_process()
        assert process.stdout is not None
        line = _readline_within(process.stdout, timeout)
        if not line:
            code = process.poll()
            raise RuntimeError(f"emulator process ended or went silent (exit code {code})")
        answer: dict[str, Any] = json.loads(line)
        return answer


def _readline_within(stream: IO[str], timeout: float) -> str:
    import threading

    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return lines[0] if lines else ""
