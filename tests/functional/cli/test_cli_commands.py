"""``cpx`` data-path, doctor, connect and send, run as real subprocesses against the emulator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from boto3_connectparticipant_ext.model import data_path

from .conftest import REPO_ROOT, Chat, Cpx


def test_data_path_prints_only_the_path_and_imports_nothing_heavy() -> None:
    script = (
        "import sys\n"
        "from boto3_connectparticipant_ext.cli import main\n"
        "code = main(['data-path'])\n"
        "heavy = sorted(m for m in ('aiohttp', 'websockets', 'boto3') "
        "if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
        "sys.exit(code)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    path_line, heavy_line = completed.stdout.splitlines()
    assert path_line == data_path()
    assert (Path(path_line) / "connectparticipant" / "2018-09-07" / "service-2.json").is_file()
    assert heavy_line == "HEAVY="


def test_doctor_reports_model_credentials_and_operations(cpx: Cpx) -> None:
    report = json.loads(cpx.ok("doctor", "--output", "json").stdout)
    assert report["credentials"]["stock"]["looks_up_credentials"] is True
    assert report["credentials"]["with_plugin"]["looks_up_credentials"] is False
    assert "DescribeView" in report["operations"]["with_plugin"]
    assert report["operations"]["get_transcript_paginator"]["with_plugin"] is True
    assert report["model"]["with_plugin_file"].startswith(data_path())

    text = cpx.ok("doctor").stdout
    headings = [line for line in text.splitlines() if line and not line.startswith(" ")]
    assert headings == [
        "versions",
        "model",
        "activation routes in this environment",
        "credentials",
        "operations",
    ]
    assert re.search(r"^  plugin client looks them up +no$", text, re.MULTILINE)


def test_doctor_sees_the_environment_routes(cpx: Cpx) -> None:
    report = json.loads(
        cpx.ok(
            "doctor",
            "--output",
            "json",
            env={
                "AWS_DATA_PATH": data_path(),
                "BOTOCORE_EXPERIMENTAL__PLUGINS": "connectparticipant=boto3_connectparticipant_ext",
            },
        ).stdout
    )
    routes = report["activation"]
    assert routes["aws_data_path"]["configured"] is True
    assert routes["botocore_plugins_variable"]["configured"] is True
    assert routes["botocore_plugins_variable"]["works"] is True
    # With our model on AWS_DATA_PATH even stock botocore loads ours.
    assert report["model"]["stock_source"].startswith("ours")


def test_connect_hides_the_token_unless_asked(cpx: Cpx, chat: Chat) -> None:
    hidden = cpx.ok("connect", "--websocket")
    assert "<redacted:" in hidden.stdout
    assert "--show-secrets" in hidden.stdout

    shown = cpx.ok("connect", "--show-secrets", "--output", "env")
    line = shown.stdout.strip()
    assert line.startswith("export CPX_CONNECTION_TOKEN=")
    token = line.split("=", 1)[1]
    assert token not in hidden.stdout + hidden.stderr

    # The printed token is a working connection token.
    cpx.ok("send", "sent with the printed token", env={"CPX_CONNECTION_TOKEN": token})
    assert "sent with the printed token" in [item.get("Content") for item in chat.transcript()]


def test_env_output_refuses_without_show_secrets(cpx: Cpx) -> None:
    completed = cpx.run("connect", "--output", "env")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "--show-secrets" in completed.stderr


def test_send_reads_token_and_text_from_stdin(cpx: Cpx, chat: Chat) -> None:
    token_line = cpx.ok("connect", "--show-secrets", "--output", "env").stdout
    token = token_line.strip().split("=", 1)[1]
    completed = cpx.ok(
        "send",
        "from a flag",
        "--connection-token",
        "-",
        stdin=token + "\n",
        env={"CPX_PARTICIPANT_TOKEN": ""},
    )
    assert completed.stdout.startswith("sent message ")
    assert token not in completed.stdout + completed.stderr
    cpx.ok("send", "-", "--content-type", "text/markdown", stdin="**multi**\nline\n")
    contents = {item.get("Content"): item for item in chat.transcript()}
    assert "from a flag" in contents
    assert contents["**multi**\nline"]["ContentType"] == "text/markdown"


def test_send_json_output(cpx: Cpx) -> None:
    response = json.loads(cpx.ok("send", "hello", "--output", "json").stdout)
    assert set(response) == {"Id", "AbsoluteTime"} or {"Id", "AbsoluteTime"} <= set(response)
    assert "ResponseMetadata" not in response


def test_send_takes_16000_bytes_and_refuses_16385_before_any_request(cpx: Cpx, chat: Chat) -> None:
    long_text = "€" * 5333 + "x"  # 16,000 bytes of UTF-8
    cpx.ok("send", "-", stdin=long_text)
    assert long_text in [item.get("Content") for item in chat.transcript()]
    chat.emulator.clear_records()
    for arguments in (("-",), ("hi", "--content-type", "text/html")):
        stdin = "€" * 5461 + "xx" if arguments == ("-",) else None
        refused = cpx.run("send", *arguments, stdin=stdin)
        assert refused.returncode == 2
        assert ("16384" if stdin else "SendMessage") in refused.stderr
    assert not [r for r in chat.emulator.requests if r.operation == "SendMessage"]
