"""Every bad numeric, URL or path flag value is one clean line and a documented exit code.

These values used to end in exit code 1 ("unexpected error": OverflowError, ValueError) after
the command had started, or in botocore's internal errors; now they are usage errors (2), most of
them refused by argparse before anything runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext import demo
from boto3_connectparticipant_ext.cli import main
from boto3_connectparticipant_ext.cli._errors import EXIT_USAGE

from .conftest import Chat

BAD_VALUES = [
    ("--timeout", "1e308"),
    ("--timeout", "1e10"),
    ("--timeout", "nan"),
    ("--timeout", "9" * 400),
    ("--endpoint-url", "garbage"),
    ("--endpoint-url", "http://[::1"),
    ("--endpoint-url", "ftp://127.0.0.1:1"),
    ("--endpoint-url", "http://127.0.0.1:99999"),
    ("--endpoint-url", "http://%zz"),
    ("--endpoint-url", "http://" + "a" * 300),
    ("--region", "x y"),
    ("--region", "../x"),
    ("--out", "a\0b"),
]


@pytest.fixture(autouse=True)
def _in_a_temporary_directory(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a command that runs despite a bad value writes nothing here


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, list[str]]:
    code = main(argv)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert not any("Traceback" in line for line in errors)
    return code, errors


@pytest.mark.parametrize(("flag", "value"), BAD_VALUES)
def test_transcript_flags(
    emulator: Any, chat: Chat, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    argv = ["transcript", "--participant-token", chat.participant_token]
    if flag != "--endpoint-url":
        argv += ["--endpoint-url", emulator.endpoint_url]
    code, errors = _run(capsys, [*argv, flag, value])
    assert code == EXIT_USAGE, errors
    assert errors and errors[-1].startswith(("cpx transcript: ", "cpx transcript: error: "))
    assert chat.participant_token not in "".join(errors)


@pytest.mark.parametrize("command", ["upload", "download"])
@pytest.mark.parametrize("value", ["1e308", "1e300", "inf"])
def test_max_size_mb(
    emulator: Any, chat: Chat, capsys: pytest.CaptureFixture[str], command: str, value: str
) -> None:
    target = ["a.txt"] if command == "upload" else ["--all", "--out-dir", "."]
    argv = [command, "--endpoint-url", emulator.endpoint_url, *target, "--max-size-mb", value]
    code, errors = _run(capsys, argv)
    assert code == EXIT_USAGE, errors
    assert errors[-1].startswith(f"cpx {command}: error: argument --max-size-mb: ")


@pytest.mark.parametrize("path_flag", [["upload", "a\0b"], ["download", "x", "--out", "a\0b"]])
def test_paths_with_nul(capsys: pytest.CaptureFixture[str], path_flag: list[str]) -> None:
    code, errors = _run(capsys, [*path_flag, "--endpoint-url", "http://127.0.0.1:1"])
    assert code == EXIT_USAGE, errors


def test_endpoint_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, chat: Chat, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CPX_ENDPOINT_URL", "http://127.0.0.1:99999")
    code, errors = _run(capsys, ["transcript", "--participant-token", chat.participant_token])
    assert code == EXIT_USAGE and errors == [
        "cpx transcript: CPX_ENDPOINT_URL: not a usable URL: 'http://127.0.0.1:99999'"
    ]


@pytest.mark.parametrize("size", ["-1", "0", str(10**20), "1e3"])
def test_demo_attachment_size(capsys: pytest.CaptureFixture[str], size: str) -> None:
    code, errors = _run(capsys, ["demo", "--attachment-size", size, "--quiet"])
    assert code == EXIT_USAGE and "--attachment-size" in errors[-1]
    assert demo.main(["--attachment-size", size]) == EXIT_USAGE
