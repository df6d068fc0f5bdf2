"""One test file, two targets: the example runs on the emulator; its live run is skipped here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.conversation.pytest_plugin import LIVE_SKIP_REASON, live_target

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_example_passes_offline_and_skips_live_with_the_reason() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECT_")}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "examples/test_support_flow.py", "-rs", "-v",
         "-p", "no:cacheprovider"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    out = completed.stdout
    assert completed.returncode == 0, out[-3000:]
    assert "test_billing_call_back[emulator] PASSED" in out
    assert "test_billing_call_back[live] SKIPPED" in out
    assert LIVE_SKIP_REASON in out.replace("\n", "")


def test_live_settings_come_from_options_or_the_environment(
    pytestconfig: pytest.Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONNECT_INSTANCE_ID", raising=False)
    monkeypatch.delenv("CONNECT_CONTACT_FLOW_ID", raising=False)
    assert live_target(pytestconfig) is None
    monkeypatch.setenv("CONNECT_INSTANCE_ID", "inst-1")
    assert live_target(pytestconfig) is None  # a flow is needed too
    monkeypatch.setenv("CONNECT_CONTACT_FLOW_ID", "flow-1")
    monkeypatch.setenv("CONNECT_REGION", "eu-west-2")
    target = live_target(pytestconfig)
    assert target is not None
    assert (target.instance_id, target.contact_flow_id, target.region_name) == (
        "inst-1", "flow-1", "eu-west-2"
    )  # fmt: skip


def test_live_fixture_skips_here(connect_live_target: object) -> None:
    pytest.fail("no live instance is configured in this suite: the fixture must skip")
