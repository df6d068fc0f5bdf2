"""Run every ``benchmarks/bench_*.py`` and gather one table, ``results.md`` and a chart.

Each script runs in its own subprocess (cold imports, its own GIL) with a
per-script timeout; a script that crashes or times out is reported and the rest
still run. The full mode judges speed: it exits non-zero when a target fails.
The quick mode only proves the scripts run: it exits 0 even when a target
fails, and non-zero when a script crashes.

Examples
--------
Full run, writes ``benchmarks/results.md`` and ``benchmarks/ratios.png``::

    .venv/bin/python benchmarks/run_all.py

CI smoke run, writes its report into a temporary directory::

    .venv/bin/python benchmarks/run_all.py --quick
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from _harness import Row, machine_info, parse_goal, scrubbed_aws_env

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
FULL_TIMEOUT = 1800.0
QUICK_TIMEOUT = 300.0
EXIT_CRASHED = 1
EXIT_TARGET_FAILED = 2
_STDERR_TAIL_LINES = 25


@dataclasses.dataclass
class ScriptOutcome:
    """What happened to one benchmark script."""

    name: str
    status: str  # "ok", "crashed", "timeout"
    seconds: float
    rows: list[Row]
    detail: str = ""

    @property
    def crashed(self) -> bool:
        return self.status != "ok"


def discover(bench_dir: Path, only: Sequence[str] = ()) -> list[Path]:
    """The ``bench_*.py`` scripts in ``bench_dir``, optionally only the named ones."""
    scripts = sorted(bench_dir.glob("bench_*.py"))
    if only:
        wanted = {name.removeprefix("bench_").removesuffix(".py") for name in only}
        scripts = [script for script in scripts if script.stem.removeprefix("bench_") in wanted]
    return scripts


def script_name(script: Path) -> str:
    return script.stem.removeprefix("bench_")


_SECRET_PATTERNS = (
    re.compile(r"(?i)(x-amz-bearer['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"),
    re.compile(r"(?i)((?:connection|participant)_?token['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"),
    re.compile(r"(?i)((?:https?|wss?)://[^\s?'\"]+\?)[^\s'\"]+"),
)


def redact(text: str) -> str:
    """Remove tokens and URL queries from a script's stderr before we show it."""
    try:
        from boto3_connectparticipant_ext import redact as package_redact
    except ImportError:  # the core's redaction is not there yet: our patterns still apply
        package_redact = None  # type: ignore[assignment]
    if package_redact is not None:
        text = str(package_redact.redact_text(text))
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1<redacted>", text)
    return text


def load_rows(json_path: Path) -> list[Row]:
    """Rows a script wrote with ``--json``; unknown keys are ignored, missing ones fail."""
    raw: Any = json.loads(json_path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError("the JSON file does not hold a list of rows")
    known = {field.name for field in dataclasses.fields(Row)}
    rows = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValueError("a row in the JSON file is not an object")
        rows.append(Row(**{key: value for key, value in item.items() if key in known}))
    return rows


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # The script may have children of its own (an emulator, workers): end its
    # whole process group, which we created for it, not just the script.
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except ProcessLookupError:
        pass
    process.wait()


def run_script(
    script: Path, *, quick: bool, timeout: float, env: dict[str, str], work_dir: Path
) -> ScriptOutcome:
    """Run one script in a fresh subprocess and collect its rows."""
    name = script_name(script)
    json_path = work_dir / f"{name}.json"
    stderr_path = work_dir / f"{name}.stderr"
    command = [sys.executable, str(script), "--json", str(json_path)]
    if quick:
        command.append("--quick")
    started = time.perf_counter()
    with stderr_path.open("wb") as stderr_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_DIR,
            env=env,
            stdout=None,  # the script's own table streams straight through
            stderr=stderr_file,
            start_new_session=True,
        )
        try:
            returncode: Optional[int] = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            returncode = None
    seconds = time.perf_counter() - started
    stderr_text = redact(stderr_path.read_text(encoding="utf-8", errors="replace"))
    if stderr_text.strip():
        print(f"--- stderr of bench_{name}.py (last lines) ---")
        print("\n".join(stderr_text.rstrip().splitlines()[-_STDERR_TAIL_LINES:]))

    rows: list[Row] = []
    problem = ""
    if json_path.exists():
        try:
            rows = load_rows(json_path)
        except (ValueError, TypeError) as error:
            problem = f"unreadable --json output ({error})"
    if returncode is None:
        return ScriptOutcome(name, "timeout", seconds, rows, f"timed out after {timeout:.0f} s")
    if returncode != 0:
        last = _last_line(stderr_text)
        return ScriptOutcome(name, "crashed", seconds, rows, f"exit code {returncode}: {last}")
    if problem or not rows:
        return ScriptOutcome(name, "crashed", seconds, rows, problem or "wrote no rows")
    return ScriptOutcome(name, "ok", seconds, rows)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no error output"


def source_revision() -> str:
    """The git commit the benchmarks ran from, marked when the tree had local changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return commit + (" with uncommitted changes" if status else "")


def _figure(value: float) -> str:
    return f"{value:.4g}"


def _verdict(row: Row) -> str:
    if parse_goal(row.goal) is None:
        return "info"
    return "PASS" if row.passed else "**FAIL**"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(
    outcomes: Sequence[ScriptOutcome],
    *,
    machine: dict[str, str],
    quick: bool,
    command: str,
    chart_name: Optional[str],
    generated_at: str,
) -> str:
    """The ``results.md`` text for ``outcomes``."""
    rows = [row for outcome in outcomes for row in outcome.rows]
    judged = [row for row in rows if parse_goal(row.goal) is not None]
    failed = [row for row in judged if not row.passed]
    crashed = [outcome for outcome in outcomes if outcome.crashed]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `{command}` on {generated_at}"
        + (
            " in **quick mode** (tiny sizes; proves the scripts run, says nothing about speed)."
            if quick
            else "."
        ),
        "Every figure is a median over repeated runs in which ours and the reference alternate;",
        "the ratio is ours / reference, and the goal says which direction is better.",
        "Absolute times depend on the machine; the ratios are what we quote.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {_escape(value)} |" for key, value in machine.items()]
    lines += [
        "",
        "## Summary",
        "",
        f"{len(judged) - len(failed)} of {len(judged)} targets met, "
        f"{len(rows) - len(judged)} report-only rows, "
        f"{len(crashed)} of {len(outcomes)} scripts crashed or timed out.",
        "",
    ]
    if chart_name:
        lines += [f"![ours / reference ratios]({chart_name})", ""]
    lines += [
        "## Reproduce",
        "",
        "```",
        "make bench                                   # every script, full sizes, this report",
        "make bench-quick                             # tiny sizes (CI): proves the scripts run",
        ".venv/bin/python benchmarks/bench_<name>.py  # one script, prints its own table",
        "```",
        "",
    ]
    lines += [
        "## Results",
        "",
        "| script | target | ours | reference | unit | ratio | goal | verdict | spread | note |",
        "|---|---|---:|---:|---|---:|---|---|---|---|",
    ]
    for outcome in outcomes:
        for row in outcome.rows:
            lines.append(
                f"| {outcome.name} | {_escape(row.target)} | {_figure(row.ours)} "
                f"| {_figure(row.reference)} ({_escape(row.reference_name)}) | {_escape(row.unit)} "
                f"| {row.ratio:.3f} | {_escape(row.goal)} | {_verdict(row)} "
                f"| {_escape(row.spread)} | {_escape(row.note)} |"
            )
    lines += [
        "",
        "## Scripts",
        "",
        "| script | status | rows | wall time (s) | detail |",
        "|---|---|---:|---:|---|",
    ]
    for outcome in outcomes:
        lines.append(
            f"| bench_{outcome.name}.py | {outcome.status} | {len(outcome.rows)} "
            f"| {outcome.seconds:.1f} | {_escape(outcome.detail)} |"
        )
    if failed:
        lines += ["", "## Targets not met", ""]
        lines += [
            f"- {_escape(row.target)}: ratio {row.ratio:.3f} against goal {_escape(row.goal)}"
            f" ({_escape(row.reference_name)})"
            for row in failed
        ]
    return "\n".join(lines) + "\n"


def print_summary(outcomes: Sequence[ScriptOutcome]) -> None:
    """One table of every row of every script, then the scripts' statuses."""
    print()
    header = (
        f"{'script':<11} {'target':<56} {'ours':>10} {'reference':>10} {'ratio':>7}  goal / verdict"
    )
    print(header)
    print("=" * len(header))
    for outcome in outcomes:
        for row in outcome.rows:
            verdict = {"info": "info", "PASS": "PASS"}.get(_verdict(row), "FAIL")
            print(
                f"{outcome.name:<11} {row.target[:56]:<56} {row.ours:>10.4g} "
                f"{row.reference:>10.4g} {row.ratio:>7.3f}  {row.goal} {verdict}"
                f"  [{row.reference_name}; {row.unit}]"
            )
    print()
    for outcome in outcomes:
        detail = f" ({outcome.detail})" if outcome.detail else ""
        print(f"bench_{outcome.name}.py: {outcome.status} in {outcome.seconds:.1f} s{detail}")


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: prove the scripts run")
    parser.add_argument(
        "--timeout",
        type=float,
        help=f"seconds per script (default {FULL_TIMEOUT:.0f}, quick {QUICK_TIMEOUT:.0f})",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        help="where results.md and ratios.png go (default: benchmarks/ in full mode, "
        "a temporary directory in quick mode so CI never overwrites the committed report)",
    )
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only bench_NAME.py"
    )
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parse_args(argv)
    quick: bool = args.quick
    timeout: float = args.timeout or (QUICK_TIMEOUT if quick else FULL_TIMEOUT)
    scripts = discover(args.bench_dir, args.only)
    if not scripts:
        print(f"no bench_*.py scripts found in {args.bench_dir}", file=sys.stderr)
        return EXIT_CRASHED
    with tempfile.TemporaryDirectory(prefix="cpx-bench-") as scratch:
        work_dir = Path(scratch)
        if args.out_dir is not None:
            out_dir: Path = args.out_dir
        elif quick:
            out_dir = Path(tempfile.gettempdir()) / "cpx-bench-quick"
        else:
            out_dir = BENCH_DIR
        env = scrubbed_aws_env(work_dir / "aws", extra={"MPLBACKEND": "Agg"})
        outcomes = []
        for script in scripts:
            print(f"\n### bench_{script_name(script)}.py{' --quick' if quick else ''}", flush=True)
            outcomes.append(
                run_script(script, quick=quick, timeout=timeout, env=env, work_dir=work_dir)
            )
            sys.stdout.flush()

    machine = {**machine_info(), "source": source_revision()}
    print_summary(outcomes)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_path = out_dir / "ratios.png"
    chart_name: Optional[str] = chart_path.name
    try:
        from chart import draw_ratio_chart

        pairs = [(outcome.name, row) for outcome in outcomes for row in outcome.rows]
        draw_ratio_chart(pairs, machine=machine, path=chart_path)
    except ImportError as error:
        print(f"chart skipped: {error}", file=sys.stderr)
        chart_name = None
    command = "python benchmarks/run_all.py" + (" --quick" if quick else "")
    generated_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    results_path = out_dir / "results.md"
    results_path.write_text(
        render_markdown(
            outcomes,
            machine=machine,
            quick=quick,
            command=command,
            chart_name=chart_name,
            generated_at=generated_at,
        ),
        encoding="utf-8",
    )
    print(f"\nwrote {results_path}" + (f" and {chart_path}" if chart_name else ""))

    if any(outcome.crashed for outcome in outcomes):
        return EXIT_CRASHED
    failed = any(
        not row.passed and parse_goal(row.goal) is not None
        for outcome in outcomes
        for row in outcome.rows
    )
    if failed and not quick:
        return EXIT_TARGET_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
