"""``cpx`` failure modes (one line, documented exit code, no secret) and ``cpx watch``."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from typing import Any

from .conftest import Chat, Cpx


def _one_clean_line(completed: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_wrong_token_is_access_denied_without_echoing_it(cpx: Cpx) -> None:
    secret = "wrong-token-that-must-not-be-printed"
    completed = cpx.run("send", "hi", "--connection-token", secret)
    assert completed.returncode == 4
    line = _one_clean_line(completed)
    assert line.startswith("cpx send: SendMessage failed: AccessDeniedException")
    assert secret not in completed.stdout + completed.stderr


def test_unreachable_endpoint_is_a_network_error(cpx: Cpx) -> None:
    completed = cpx.run("send", "hi", "--endpoint-url", _closed_port_url(), "--timeout", "2")
    assert completed.returncode == 5
    assert "Could not connect" in _one_clean_line(completed)


def test_missing_token_is_a_usage_error(cpx: Cpx) -> None:
    completed = cpx.run("transcript", env={"CPX_PARTICIPANT_TOKEN": ""})
    assert completed.returncode == 2
    assert "CPX_CONNECTION_TOKEN" in _one_clean_line(completed)


def test_bad_arguments_are_usage_errors(cpx: Cpx) -> None:
    assert cpx.run("transcript", "--format", "pdf").returncode == 2
    assert cpx.run("no-such-command").returncode == 2
    assert (
        cpx.run("send", "hi", "--connection-token", "-", "--participant-token", "-").returncode == 2
    )


def test_debug_shows_a_traceback_without_secrets(cpx: Cpx) -> None:
    secret = "another-wrong-token-value"
    completed = cpx.run("send", "hi", "--connection-token", secret, "--debug")
    assert completed.returncode == 4
    assert "Traceback" in completed.stderr
    assert secret not in completed.stderr


def test_ended_chat(cpx: Cpx, chat: Chat) -> None:
    chat.emulator.end_contact(chat.contact_id)
    completed = cpx.run("send", "too late")
    assert completed.returncode == 4
    assert "chat has ended" in _one_clean_line(completed)


def _start_watch(cpx: Cpx, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "boto3_connectparticipant_ext", "watch", *arguments],
        env=cpx.env,
        cwd=cpx.cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_socket(emulator: Any, contact_id: str, deadline: float = 30) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if any(
            p.get("open_sockets") or p.get("OpenSockets") for p in emulator.participants(contact_id)
        ):
            return
        if any(frame.direction == "in" for frame in emulator.frames):
            return
        time.sleep(0.05)
    raise AssertionError("cpx watch never opened its websocket")


def _read_until(watcher: subprocess.Popen[str], text: str) -> str:
    """What ``watcher`` printed up to and including the first line holding ``text``."""
    assert watcher.stdout is not None
    read = ""
    while True:
        line = watcher.stdout.readline()
        if not line:
            raise AssertionError(f"cpx watch ended before printing {text!r}")
        read += line
        if text in line:
            return read


def test_watch_prints_history_and_live_events_until_the_chat_ends(cpx: Cpx, chat: Chat) -> None:
    # The history is printed before the chat ends (the service stops the token at the end:
    # see the test below for an end that comes first).
    chat.agent_says("said before watching")
    watcher = _start_watch(cpx, "--history")
    try:
        _wait_for_socket(chat.emulator, chat.contact_id)
        printed = _read_until(watcher, "said before watching")
        chat.agent_says("said while watching \x1b[2J")
        chat.emulator.end_contact(chat.contact_id)
        stdout, stderr = watcher.communicate(timeout=30)
        stdout = printed + stdout
    finally:
        watcher.kill()
    assert watcher.returncode == 0, stderr
    lines = stdout.splitlines()
    before = next(
        i for i, line in enumerate(lines) if line.endswith("Ann (AGENT): said before watching")
    )
    during = next(i for i, line in enumerate(lines) if "said while watching" in line)
    assert before < during
    assert sum("said before watching" in line for line in lines) == 1  # no duplicate
    assert "\x1b" not in stdout
    # Items that happened while the history was being fetched are shown once, by the history.
    assert sum(line.endswith("system: the chat ended") for line in lines) == 1
    assert "the chat ended" in stderr
    assert chat.participant_token not in stdout + stderr


def test_watch_history_refused_after_the_end_reports_the_end(cpx: Cpx, chat: Chat) -> None:
    from boto3_connectparticipant_ext.emulator import Fault

    chat.agent_says("said before watching")
    # GetTranscript answers late: the session's own first read (its gap-fill anchor), then
    # the history, during which the chat ends, so the token is refused (403).
    chat.emulator.inject_fault(Fault.LATENCY, operation="GetTranscript", count=2, seconds=1.5)
    watcher = _start_watch(cpx, "--history")
    try:
        _wait_for_socket(chat.emulator, chat.contact_id)
        end = time.monotonic() + 30
        while not any(r.operation == "GetTranscript" for r in chat.emulator.requests):
            assert time.monotonic() < end, "the session never read the transcript"
            time.sleep(0.05)
        chat.agent_says("said while watching")
        chat.emulator.end_contact(chat.contact_id)
        stdout, stderr = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
    assert watcher.returncode == 7, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "cpx watch: the chat ended before its history could be read"
    )
    # What the socket brought is still shown.
    assert sum("said while watching" in line for line in stdout.splitlines()) == 1
    assert any(line.endswith("system: the chat ended") for line in stdout.splitlines())
    assert chat.participant_token not in stdout + stderr


def test_watch_stops_on_ctrl_c_without_leaving_the_chat(cpx: Cpx, chat: Chat) -> None:
    watcher = _start_watch(cpx, "--output", "jsonl")
    try:
        _wait_for_socket(chat.emulator, chat.contact_id)
        watcher.send_signal(signal.SIGINT)
        _, stderr = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
    assert watcher.returncode == 130
    assert "Traceback" not in stderr
    left = [
        item
        for item in chat.transcript()
        if item.get("ContentType", "").endswith("participant.left")
    ]
    assert left == []


def test_watch_shows_a_streamed_bot_message_once_with_its_whole_text(cpx: Cpx, chat: Chat) -> None:
    from boto3_connectparticipant_ext.emulator._ids import iso_timestamp

    server = chat.emulator._server

    def push(number: int, text: str, done: bool) -> None:
        def send() -> None:
            state = server.controller.state
            contact = state.contact(chat.contact_id)
            state._notify(
                contact,
                {
                    "Id": "bot-message",
                    "Type": "MESSAGE",
                    "ContentType": "text/plain",
                    "ParticipantRole": "SYSTEM",
                    "DisplayName": "BOT",
                    "AbsoluteTime": iso_timestamp(contact.last_time + 0.001),
                    "Content": text,
                    "MessageMetadata": {"ChunkNumber": number, "MessageCompleted": done},
                },
            )

        server.call(send)

    watcher = _start_watch(cpx)
    try:
        _wait_for_socket(chat.emulator, chat.contact_id)
        assert watcher.stdout is not None
        chat.agent_says("ready")
        while True:
            line = watcher.stdout.readline()
            assert line, "cpx watch ended before showing the agent's message"
            if "ready" in line:
                break
        # The service's way: the completed item carries the whole message; chunk 2 comes late.
        push(1, "Hel", False)
        push(3, "Hello world", True)
        push(2, "lo ", False)
        chat.emulator.end_contact(chat.contact_id)
        stdout, stderr = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, stderr
    bot_lines = [line for line in stdout.splitlines() if "BOT" in line]
    assert len(bot_lines) == 1 and bot_lines[0].endswith("Hello world"), stdout


def test_very_long_token_is_never_echoed(cpx: Cpx) -> None:
    # 100,000 characters: over what the emulator's HTTP parser reads in one header line.
    secret = "Zq" + "9Zq" * 33_333
    completed = cpx.run("send", "hi", "--connection-token", secret)
    assert completed.returncode not in (0, 1)
    assert "Traceback" not in completed.stderr
    assert "9Zq9Zq" not in completed.stdout + completed.stderr
