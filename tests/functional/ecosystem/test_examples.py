"""The files in ``examples/`` run as documented against the emulator (and pass mypy --strict)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ._venvs import REPO_ROOT, ensure_venv, find_python, venv_python
from .conftest import child_environment

EXAMPLES = REPO_ROOT / "examples"


def _run(python: str, script: str, env: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [python, str(EXAMPLES / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_examples_pass_mypy_strict() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(EXAMPLES)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout


def test_quickstart(emulator: Any, tmp_path: Path) -> None:
    chat = emulator.start_chat(display_name="Customer")
    env = child_environment(
        tmp_path,
        CPX_ENDPOINT_URL=emulator.endpoint_url,
        CPX_PARTICIPANT_TOKEN=chat["ParticipantToken"],
    )
    output = _run(sys.executable, "quickstart.py", env)
    assert "sent message " in output
    assert "uploaded attachment " in output
    contents = [item.get("Content") for item in emulator.transcript(chat["ContactId"])]
    assert "Hello from the quickstart" in contents
    assert chat["ParticipantToken"] not in output


def test_echo_bot(emulator: Any, tmp_path: Path) -> None:
    chat = emulator.start_chat(display_name="Customer")
    bot = emulator.add_participant(chat["ContactId"], role="CUSTOM_BOT", display_name="Echo")
    env = child_environment(
        tmp_path,
        CPX_ENDPOINT_URL=emulator.endpoint_url,
        CPX_PARTICIPANT_TOKEN=bot["ParticipantToken"],
        BOT_IDLE_SECONDS="20",
    )
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "echo_bot.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            greetings = [
                item
                for item in emulator.transcript(chat["ContactId"])
                if item.get("Content") == "Hi! I repeat what customers say."
            ]
            if greetings:
                break
            time.sleep(0.05)
        emulator.send_message(chat["ContactId"], chat["ParticipantId"], "ping")
        while time.monotonic() < deadline:
            contents = [item.get("Content") for item in emulator.transcript(chat["ContactId"])]
            if "You said: ping" in contents:
                break
            time.sleep(0.05)
        emulator.end_contact(chat["ContactId"])
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "answered 'ping'" in stdout


@pytest.mark.slow
def test_async_transcript(emulator: Any, tmp_path: Path) -> None:
    venv = ensure_venv(requirements=["aiobotocore==3.10.0", "wrapt"], python=find_python("3.11"))
    chat = emulator.start_chat(display_name="Customer")
    agent = emulator.add_participant(chat["ContactId"], role="AGENT", display_name="Ann")
    emulator.send_message(chat["ContactId"], agent["ParticipantId"], "hello async")
    import boto3

    import boto3_connectparticipant_ext as cpx

    cpx.install()
    client = boto3.client("connectparticipant", endpoint_url=emulator.endpoint_url)
    token = client.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    note = tmp_path / "shared.txt"
    note.write_text("attached\n")
    client.upload_attachment(str(note), ConnectionToken=token)
    target = tmp_path / "downloads"
    target.mkdir()
    env = child_environment(
        tmp_path / "home",
        CPX_ENDPOINT_URL=emulator.endpoint_url,
        CPX_CONNECTION_TOKEN=token,
    )
    output = _run(str(venv_python(venv)), "async_transcript.py", env, str(target))
    assert "hello async" in output
    assert (target / "shared.txt").read_text() == "attached\n"
