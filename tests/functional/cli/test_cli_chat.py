"""``cpx chat`` driven through prompt_toolkit's pipe input against the emulator.

The far side (flow, bot, agent) is played through the emulator's control API. A tmux run of
the real terminal is in tests/functional/cli/test_cli_chat_tmux.py.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

pytest.importorskip("prompt_toolkit")
pytest.importorskip("rich")

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from boto3_connectparticipant_ext.cli import _build_parser
from boto3_connectparticipant_ext.cli._chat import run_chat
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.service_limits import (
    INTERACTIVE_CONTENT_TYPE,
    SEND_MESSAGE_CONTENT_TYPES,
)

from ..conversation.conftest import FarSide

TYPING = "application/vnd.amazonaws.connect.event.typing"
READ = "application/vnd.amazonaws.connect.event.message.read"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    limits = dict.fromkeys(SEND_MESSAGE_CONTENT_TYPES | {INTERACTIVE_CONTENT_TYPE}, 16384)
    with Emulator(config=EmulatorConfig(message_content_limits=limits)) as running:
        yield running


def wait_for(check: Callable[[], Any], what: str, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except LookupError:  # not there yet
            found = None
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def customer_items(emulator: Emulator, contact_id: str) -> list[dict[str, Any]]:
    return [
        item
        for item in emulator.transcript(contact_id)
        if item.get("ParticipantRole") == "CUSTOMER" and item["Type"] != "EVENT"
    ]


def test_cpx_chat_conversation(emulator: Emulator, tmp_path: Path) -> None:
    attachment = tmp_path / "photo.png"
    attachment.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    invoice = tmp_path / "invoice.txt"
    invoice.write_text("invoice 42\n")
    history = tmp_path / "history"
    args = _build_parser().parse_args(
        ["chat", "--endpoint-url", emulator.endpoint_url, "--display-name", "Pat",
         "--history-file", str(history)]
    )  # fmt: skip
    out = io.StringIO()
    result: list[Any] = []
    with create_pipe_input() as pipe:
        runner = threading.Thread(
            target=lambda: result.append(run_chat(args, out, input=pipe, output=DummyOutput()))
        )
        runner.start()
        try:
            started = re.compile(r"chat started, contact (\S+)")
            contact_id = wait_for(lambda: started.search(out.getvalue()), "a chat").group(1)
            wait_for(lambda: "* connected" in out.getvalue(), "the connection")
            assert "Pat (CUSTOMER): joined the chat" in out.getvalue()
            far = FarSide(emulator, contact_id)
            far.bot_says("Welcome, Pat!")
            far.list_picker()
            wait_for(lambda: "2. Orders" in out.getvalue(), "the numbered choices")
            pipe.send_text("2\r")
            wait_for(lambda: far.last_response().title == "Orders", "the answer")

            pipe.send_text("where is my parcel?\r")
            wait_for(
                lambda: (
                    customer_items(emulator, contact_id)[-1].get("Content") == "where is my parcel?"
                ),
                "the message",
            )
            far.transfer_to_agent()
            emulator.send_event(contact_id, far.agent_id, TYPING)
            wait_for(lambda: "Ann is typing..." in out.getvalue(), "the typing line")
            mine = customer_items(emulator, contact_id)[-1]["Id"]
            emulator.send_event(contact_id, far.agent_id, READ, f'{{"messageId": "{mine}"}}')
            wait_for(lambda: "✓✓ read by Ann" in out.getvalue(), "the read receipt")

            pipe.send_text(f"/attach {attachment}\r")
            wait_for(
                lambda: customer_items(emulator, contact_id)[-1]["Type"] == "ATTACHMENT",
                "the upload",
            )
            far.agent_attaches(invoice)
            wait_for(lambda: "(/download 1)" in out.getvalue(), "the agent's attachment")
            pipe.send_text(f"/download 1 {tmp_path}/\r")
            wait_for(lambda: "* saved" in out.getvalue(), "the download")
            assert (tmp_path / "invoice.txt").read_text() == "invoice 42\n"
            pipe.send_text("/end\r")
            runner.join(15)
        finally:
            if runner.is_alive():
                pipe.close()
                runner.join(5)
    assert result == [0]
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    timed = [re.sub(r"^\d\d:\d\d:\d\d  ", "", line) for line in lines]
    assert timed[1:] == [
        "Pat (CUSTOMER): joined the chat",  # the history, read when the chat opens
        "* connected (type /help for commands)",
        "BOT (SYSTEM): Welcome, Pat!",
        "BOT (SYSTEM): [ListPicker] How can we help?",
        "    1. Billing",
        "    2. Orders",
        "    (answer with a number)",
        "Pat (CUSTOMER): chose Orders",
        "Pat (CUSTOMER): where is my parcel?",
        "system: transferred the chat",
        "Ann (AGENT): joined the chat",
        "          Ann is typing...",
        "          ✓✓ read by Ann",
        "Pat (CUSTOMER): sent photo.png (APPROVED)",
        "Ann (AGENT): sent invoice.txt (APPROVED)  (/download 1)",
        f"* saved {tmp_path}/invoice.txt",
        "* leaving the chat",
    ]
    operations = [r.operation for r in emulator.requests]
    assert operations[-2:] == ["DisconnectParticipant", "StopContact"]
    assert "where is my parcel?" in history.read_text()
