"""``cpx demo`` passes its own options through (argparse REMAINDER used to drop them)."""

from __future__ import annotations

import subprocess
import sys


def _cpx(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boto3_connectparticipant_ext", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_options_reach_the_demo() -> None:
    result = _cpx("demo", "--attachment-size", "1000", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "(1000 bytes)" in result.stdout
    assert "transcript, oldest first" not in result.stdout  # --quiet


def test_demo_rejects_a_bad_size_before_starting() -> None:
    result = _cpx("demo", "--attachment-size", "5", "--quiet")
    assert result.returncode == 2  # a usage error (was 1, "demo FAILED"): issue 15
    assert "argument --attachment-size: must be between" in result.stderr
    assert "emulator listening" not in result.stdout
