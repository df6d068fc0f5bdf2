"""Runs AWS's own JavaScript clients (conformance/) against the emulator and reads their report.

Each script prints one JSON object per line, ``{"check", "ok", "detail"}``, then
``{"done": true}``. A missing tool (Node, the pinned npm packages, Chromium) fails the
run when ``CI=true`` and skips it elsewhere, always saying what is missing and how to
get it (``make conformance-setup``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn, Optional

import pytest

from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.redact import redact_text

CONFORMANCE_DIR = Path(__file__).resolve().parents[2] / "conformance"
PINNED_PACKAGES = (
    "@aws-sdk/client-connect",
    "@aws-sdk/client-connectparticipant",
    "amazon-connect-chatjs",
    "playwright-core",
    "ws",
)
MINIMUM_NODE = 20
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def unavailable(reason: str) -> NoReturn:
    """Fail in CI (a conformance run must never vanish silently), skip elsewhere."""
    message = f"{reason} (run `make conformance-setup`; see conformance/README.md)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed")
    answer = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    major = int(answer.stdout.strip().lstrip("v").split(".")[0] or 0)
    if major < MINIMUM_NODE:
        version = answer.stdout.strip()
        unavailable(f"Node.js {version} is too old: {MINIMUM_NODE} or newer is needed")
    lock = json.loads((CONFORMANCE_DIR / "package-lock.json").read_text())
    for name in PINNED_PACKAGES:
        installed = CONFORMANCE_DIR / "node_modules" / name / "package.json"
        if not installed.exists():
            unavailable(f"the npm package {name} is not installed in conformance/node_modules")
        wanted = lock["packages"][f"node_modules/{name}"]["version"]
        found = json.loads(installed.read_text())["version"]
        if found != wanted:
            unavailable(f"{name} {found} is installed, package-lock.json pins {wanted}")
    return node


def chromium_executable() -> str:
    chromium = os.environ.get("CONFORMANCE_CHROMIUM", DEFAULT_CHROMIUM)
    if not os.access(chromium, os.X_OK):
        unavailable(f"Chromium is not installed at {chromium} (Debian: apt-get install chromium)")
    return chromium


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: Any


def run_script(
    script: str, emulator: Emulator, *, timeout: float, extra: Optional[dict[str, Any]] = None
) -> dict[str, Check]:
    """Run ``node conformance/<script>`` against ``emulator``; return its checks by name."""
    node = node_executable()
    arguments = {"endpoint": emulator.endpoint_url, **(extra or {})}
    try:
        answer = subprocess.run(
            [node, script, json.dumps(arguments)],
            cwd=CONFORMANCE_DIR,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
    except subprocess.TimeoutExpired as error:
        partial = error.stdout.decode() if isinstance(error.stdout, bytes) else error.stdout
        report = redact_text(partial or "")
        pytest.fail(f"{script} ran over {timeout} s; its report so far:\n{report}")
    checks: dict[str, Check] = {}
    finished = False
    for line in answer.stdout.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if record.get("done"):
            finished = True
        elif "check" in record:
            checks[record["check"]] = Check(record["check"], record["ok"], record["detail"])
    if answer.returncode != 0 or not finished:
        pytest.fail(
            f"{script} stopped early (exit {answer.returncode}); stderr ends with:\n"
            + redact_text(answer.stderr[-3000:])
        )
    return checks


def assert_check(checks: dict[str, Check], name: str) -> None:
    assert name in checks, f"the script did not run the check {name!r}"
    result = checks[name]
    assert result.ok, f"{name}: {redact_text(str(result.detail))}"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running
