"""Headless Locust (master + two workers) against the emulator and its support-flow bot."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from boto3_connectparticipant_ext.emulator import Emulator, Fault

from .conftest import LocustRun, contacts, wait_until_started

pytestmark = pytest.mark.slow


def _count(row: dict[str, str], column: str = "Request Count") -> int:
    return int(row[column])


def test_a_bounded_run_ends_every_chat_and_records_latency(
    emulator: Emulator, tmp_path: Path
) -> None:
    run = LocustRun(emulator, tmp_path, users=6, seconds=5)
    code, output = run.wait()
    stats = run.stats()
    started = _count(stats["StartChatContact"]) - _count(stats["StartChatContact"], "Failure Count")
    assert started > 0, output
    assert _count(stats["EndChat"]) == started
    assert _count(stats["EndChat"], "Failure Count") == 0
    seen = contacts(emulator)
    assert len(seen) == started
    assert [contact for contact, ended in seen if ended is None] == []
    answer = stats["expect orders answer"]
    assert _count(answer) > 0 and float(answer["Average Response Time"]) > 0
    assert _count(stats["FirstMessage"]) > 0
    assert _count(stats["UploadAttachment"]) > 0
    assert _count(stats["UploadAttachment"], "Failure Count") == 0
    assert code == 0, output


def test_injected_throttling_is_reported_as_throttled(emulator: Emulator, tmp_path: Path) -> None:
    # botocore retries a throttled call a few times: enough faults to outlast its retries.
    emulator.inject_fault(Fault.THROTTLE, operation="StartChatContact", count=12)
    emulator.inject_fault(Fault.THROTTLE, operation="SendMessage", count=12)
    run = LocustRun(emulator, tmp_path, users=4, seconds=5)
    _, output = run.wait()
    errors = {(row["Name"], row["Error"]) for row in run.failures()}
    assert ("StartChatContact", "Throttled('StartChatContact')") in errors, output
    assert ("SendMessage (choice)", "Throttled('SendMessage (choice)')") in errors, output
    assert [contact for contact, ended in contacts(emulator) if ended is None] == []


def test_the_concurrent_chat_quota_is_reported_as_quota(emulator: Emulator, tmp_path: Path) -> None:
    # limit=0: every start is refused. (With room for a few chats, botocore's retries of
    # LimitExceededException, a throttle to it, outlast the short chats of this flow.)
    emulator.inject_fault(Fault.CHAT_QUOTA, limit=0, count=None)
    run = LocustRun(emulator, tmp_path, users=4, seconds=4)
    _, output = run.wait()
    errors = {(row["Name"], row["Error"]) for row in run.failures()}
    assert errors == {("StartChatContact", "QuotaExceeded('StartChatContact')")}, output
    assert contacts(emulator) == []


def test_failed_expectations_are_reported_by_kind(emulator: Emulator, tmp_path: Path) -> None:
    failing = Path(__file__).with_name("locustfile_failing.py")
    run = LocustRun(emulator, tmp_path, users=4, seconds=5, locustfile=failing)
    _, output = run.wait()
    errors = {(row["Name"], row["Error"]) for row in run.failures()}
    assert ("expect carousel", "StepTimeout('expect carousel')") in errors, output
    assert ("expect silence", "UnexpectedReply('expect silence')") in errors, output
    assert [contact for contact, ended in contacts(emulator) if ended is None] == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_still_ends_its_chats(
    emulator: Emulator, tmp_path: Path, sig: int
) -> None:
    run = LocustRun(emulator, tmp_path, users=6, seconds=60)
    wait_until_started(emulator, 3)
    run.interrupt(sig)
    _, output = run.wait(timeout=40)
    seen = contacts(emulator)
    assert seen, output
    assert [contact for contact, ended in seen if ended is None] == [], output
