"""The benchmark harness and ``benchmarks/run_all.py``: verdicts, exit codes, reports.

The run_all tests drive it against a throwaway directory of tiny fake
``bench_*.py`` scripts (no sockets, no timing assertions).
"""

from __future__ import annotations

import os
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def harness() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH_DIR))
    try:
        import _harness

        yield _harness
    finally:
        sys.path.remove(str(BENCH_DIR))


@pytest.fixture(scope="module")
def run_all(harness: ModuleType) -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH_DIR))
    try:
        import run_all

        yield run_all
    finally:
        sys.path.remove(str(BENCH_DIR))


@pytest.mark.parametrize(
    ("text", "operator", "value", "unit"),
    [
        ("<= 1.03x", "<=", 1.03, "x"),
        ("< 1x", "<", 1.0, "x"),
        (">= 0.9x", ">=", 0.9, "x"),
        ("ours under 50 ms", "<", 50.0, "ms"),
        ("added <= 15 ms", "<=", 15.0, "ms"),
        ("at least 2x", ">=", 2.0, "x"),
        ("\u2264 1.1", "<=", 1.1, "x"),
    ],
)
def test_parse_goal_reads_operator_value_and_unit(
    harness: ModuleType, text: str, operator: str, value: float, unit: str
) -> None:
    goal = harness.parse_goal(text)
    assert (goal.operator, goal.value, goal.unit) == (operator, value, unit)


@pytest.mark.parametrize("text", ["report", "", "info only"])
def test_parse_goal_is_none_for_report_only_rows(harness: ModuleType, text: str) -> None:
    assert harness.parse_goal(text) is None


def test_ratio_row_judges_the_ratio_in_the_goal_direction(harness: ModuleType) -> None:
    slow, fast = harness.Sample.of([2.0, 2.0, 2.0]), harness.Sample.of([1.0, 1.0, 1.0])
    lower = dict(target="t", reference_name="r", unit="s", goal="<= 1.03x")
    assert harness.ratio_row(ours=fast, reference=slow, **lower).passed
    assert not harness.ratio_row(ours=slow, reference=fast, **lower).passed
    higher = dict(target="t", reference_name="r", unit="MB/s", goal=">= 0.9x")
    assert harness.ratio_row(ours=slow, reference=fast, **higher).passed
    assert not harness.ratio_row(ours=fast, reference=slow, **higher).passed
    row = harness.ratio_row(ours=slow, reference=fast, **lower)
    assert row.ratio == 2.0 and row.ours == 2.0 and row.reference == 1.0


def test_paired_ratio_is_the_median_of_per_round_ratios(harness: ModuleType) -> None:
    # Round 2 ran during a slow spell that hit both contenders alike.
    ours = harness.Sample.of([1.0, 10.0, 1.0])
    reference = harness.Sample.of([1.0, 10.0, 2.0])
    row = harness.ratio_row(
        target="t",
        ours=ours,
        reference_name="r",
        reference=reference,
        unit="s",
        goal="<= 1.03x",
        paired=True,
    )
    assert row.ratio == 1.0 and row.passed
    assert "median of 3 per-round ratios" in row.spread
    with pytest.raises(ValueError, match="same number"):
        harness.paired_ratios(harness.Sample.of([1.0]), reference)


def test_ratio_row_report_only_always_passes(harness: ModuleType) -> None:
    row = harness.ratio_row(
        target="t",
        ours=harness.Sample.of([5.0]),
        reference_name="r",
        reference=harness.Sample.of([1.0]),
        unit="s",
        goal="report",
    )
    assert row.passed and row.ratio == 5.0


def test_ratio_row_refuses_an_absolute_goal(harness: ModuleType) -> None:
    with pytest.raises(ValueError, match="ratio goal"):
        harness.ratio_row(
            target="t",
            ours=harness.Sample.of([1.0]),
            reference_name="r",
            reference=harness.Sample.of([1.0]),
            unit="s",
            goal="under 50 ms",
        )


def test_alternate_rotates_who_goes_first(harness: ModuleType) -> None:
    order: list[str] = []

    def contender(name: str) -> Callable[[], float]:
        def run() -> float:
            order.append(name)
            return 1.0

        return run

    harness.alternate(3, {"a": contender("a"), "b": contender("b"), "c": contender("c")})
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_scrubbed_aws_env_drops_every_aws_variable(
    harness: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLEAK")
    monkeypatch.setenv("AWS_PROFILE", "leak")
    env = harness.scrubbed_aws_env(tmp_path, extra={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "x"})
    aws = {key for key in env if key.startswith("AWS_")}
    assert aws == {
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    }
    assert Path(env["AWS_CONFIG_FILE"]).read_text() == ""


def test_machine_info_names_cpu_cores_and_versions(harness: ModuleType) -> None:
    info = harness.machine_info()
    for key in ("cpu", "cores", "python", "botocore", "boto3", "boto3-connectparticipant-ext"):
        assert info[key]


# --- run_all against fake scripts -------------------------------------------------------

_ROW = {
    "target": "{target}",
    "ours": 1.0,
    "reference_name": "stock",
    "reference": 2.0,
    "unit": "s",
    "ratio": 0.5,
    "goal": "<= 1.03x",
    "passed": True,
}


def _fake_script(directory: Path, name: str, body: str) -> None:
    (directory / f"bench_{name}.py").write_text(
        textwrap.dedent(
            """\
            import json, sys
            args = sys.argv[1:]
            json_path = args[args.index("--json") + 1]
            quick = "--quick" in args
            def write(rows):
                with open(json_path, "w") as out:
                    json.dump(rows, out)
            """
        )
        + textwrap.dedent(body),
        encoding="utf-8",
    )


def _row(target: str, *, passed: bool = True) -> str:
    row = dict(_ROW, target=target, passed=passed)
    return repr(row)


def _main(run_all: ModuleType, bench_dir: Path, out_dir: Path, *extra: str) -> int:
    code: int = run_all.main(
        ["--bench-dir", str(bench_dir), "--out-dir", str(out_dir), "--timeout", "60", *extra]
    )
    return code


def test_quick_mode_passes_with_a_failing_target_full_mode_does_not(
    run_all: ModuleType, tmp_path: Path
) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    _fake_script(bench, "good", f"write([{_row('fast thing')}])\n")
    _fake_script(bench, "slow", f"write([{_row('slow thing', passed=False)}])\n")

    assert _main(run_all, bench, tmp_path / "quick", "--quick") == 0
    assert _main(run_all, bench, tmp_path / "full") == run_all.EXIT_TARGET_FAILED

    results = (tmp_path / "full" / "results.md").read_text(encoding="utf-8")
    assert "| good | fast thing |" in results and "| slow | slow thing |" in results
    assert "**FAIL**" in results and "slow thing: ratio 0.500" in results
    assert "1 of 2 targets met" in results and "0 of 2 scripts crashed" in results
    assert (tmp_path / "full" / "ratios.png").read_bytes().startswith(b"\x89PNG")


def test_a_crashing_script_is_reported_and_the_others_still_run(
    run_all: ModuleType, tmp_path: Path
) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    _fake_script(bench, "a_crash", "raise SystemExit('boom: broke on purpose')\n")
    _fake_script(bench, "b_good", f"write([{_row('still measured')}])\n")
    _fake_script(bench, "c_silent", "pass\n")

    assert _main(run_all, bench, tmp_path / "out", "--quick") == run_all.EXIT_CRASHED
    results = (tmp_path / "out" / "results.md").read_text(encoding="utf-8")
    assert "| bench_a_crash.py | crashed | 0 |" in results
    assert "boom: broke on purpose" in results
    assert "| b_good | still measured |" in results
    assert "| bench_c_silent.py | crashed | 0 |" in results and "wrote no rows" in results


def test_a_script_over_its_timeout_is_stopped_with_its_children(
    run_all: ModuleType, tmp_path: Path
) -> None:
    bench = tmp_path / "bench"
    bench.mkdir()
    pid_file = tmp_path / "grandchild.pid"
    _fake_script(
        bench,
        "hang",
        f"""\
        import subprocess, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(120)
        """,
    )
    code = run_all.main(
        ["--bench-dir", str(bench), "--out-dir", str(tmp_path / "out"), "--timeout", "3"]
    )
    assert code == run_all.EXIT_CRASHED
    results = (tmp_path / "out" / "results.md").read_text(encoding="utf-8")
    assert "| bench_hang.py | timeout | 0 |" in results
    grandchild = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of a dead parent may linger as a zombie until reaped.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_script_stderr_is_redacted(run_all: ModuleType) -> None:
    text = run_all.redact(
        "X-Amz-Bearer: sekret123 url=wss://h.example/connect?AuthToken=abc ConnectionToken=ct99"
    )
    assert "sekret123" not in text and "AuthToken=abc" not in text and "ct99" not in text


def test_no_scripts_is_an_error(run_all: ModuleType, tmp_path: Path) -> None:
    assert _main(run_all, tmp_path, tmp_path / "out", "--quick") == run_all.EXIT_CRASHED


@pytest.mark.parametrize(("low", "high"), [(0.003, 30.0), (0.5, 2.0), (0.9, 1.1), (1e-3, 1e3)])
def test_chart_ticks_keep_parity_and_never_crowd(
    run_all: ModuleType, low: float, high: float
) -> None:
    import math

    import chart

    ticks = chart._spaced_ticks(low, high)
    assert 1.0 in ticks
    assert all(low <= tick <= high for tick in ticks)
    gaps = [math.log(b / a) for a, b in zip(ticks, ticks[1:])]
    assert all(gap >= math.log(high / low) / 12 for gap in gaps)
