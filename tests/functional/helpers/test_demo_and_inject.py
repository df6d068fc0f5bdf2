"""The one-command demo, and the helper methods attached to connectparticipant clients."""

from __future__ import annotations

import inspect
import subprocess
import sys
import warnings
from typing import Any

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext import demo, inject
from boto3_connectparticipant_ext.emulator import Emulator, Fault


def test_demo_plays_a_whole_chat(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--attachment-size", "400000"]) == 0
    out = capsys.readouterr().out
    assert "identical, byte for byte" in out
    transcript = out.split("transcript, oldest first", 1)[1]
    first = transcript.index("charged twice")
    assert first < transcript.index("sent an attachment") < transcript.index("refunded it")
    assert "demo OK" in out


def test_demo_fails_loudly_without_leaking_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original_enter = Emulator.__enter__

    def broken_store(self: Emulator) -> Emulator:
        running = original_enter(self)
        running.inject_fault(Fault.INTERNAL_ERROR, operation="PutObject", count=None)
        return running

    monkeypatch.setattr(Emulator, "__enter__", broken_store)
    assert demo.main(["--quiet", "--attachment-size", "1000"]) == 1
    captured = capsys.readouterr()
    assert "demo FAILED: UploadFailedError" in captured.err
    assert "X-Amz-Signature" not in captured.err + captured.out


def test_demo_rejects_bad_arguments() -> None:
    assert demo.main(["--attachment-size", "3"]) == 2  # a usage error (was 1): issue 15
    assert demo.main(["--no-such-flag"]) == 2


HELPERS = [
    "iter_transcript",
    "upload_attachment",
    "upload_attachment_fileobj",
    "download_attachment",
    "download_attachment_fileobj",
    "get_attachment_url",
]


def test_installed_clients_have_documented_camelcase_helpers() -> None:
    cpx.install()
    client = boto3.client("connectparticipant", region_name="us-east-1")
    for name in HELPERS:
        method = getattr(client, name)
        assert "Usage::" in (method.__doc__ or "")
        parameters = list(inspect.signature(method).parameters)
        assert all(parameter[0].isupper() for parameter in parameters), (name, parameters)
    cpx.uninstall()
    fresh = boto3.session.Session().client("connectparticipant", region_name="us-east-1")
    assert not hasattr(fresh, "iter_transcript")


def test_a_name_botocore_already_has_is_kept_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inject, "_warned", set())

    def botocore_method(self: Any) -> str:
        return "botocore's own"

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            attributes: dict[str, Any] = {"get_attachment_url": botocore_method}
            inject.inject_helper_methods(attributes)
            assert attributes["get_attachment_url"] is botocore_method
            assert attributes["iter_transcript"] is inject.iter_transcript
    conflicts = [w for w in caught if issubclass(w.category, inject.HelperNameConflictWarning)]
    assert len(conflicts) == 1
    assert "get_attachment_url" in str(conflicts[0].message)


def test_building_a_client_imports_no_helper_engine_until_a_helper_is_used() -> None:
    # Client creation is timed by make bench (a Lambda cold start pays it): the transfer and
    # transcript engines load on the first helper looked up, not when the class is built.
    code = """
import inspect, sys
import boto3, boto3_connectparticipant_ext
boto3_connectparticipant_ext.install()
client = boto3.client("connectparticipant", region_name="us-east-1")
engines = ("boto3_connectparticipant_ext.transfer", "boto3_connectparticipant_ext.transcript")
print(sorted(name for name in engines if name in sys.modules))
print(list(inspect.signature(client.get_attachment_url).parameters))
print(sorted(name for name in engines if name in sys.modules))
"""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    before, parameters, after = completed.stdout.splitlines()
    assert before == "[]"
    assert parameters == "['AttachmentId', 'ConnectionToken', 'ExpiresIn']"
    assert after == str(
        ["boto3_connectparticipant_ext.transcript", "boto3_connectparticipant_ext.transfer"]
    )
