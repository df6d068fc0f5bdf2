"""A conversation test that runs offline (emulator bot) and live (your Amazon Connect flow).

Offline, the emulator plays ``support-flow.yaml``; live, the contact flow you name does::

    pytest examples/test_support_flow.py                      # offline; the live run is skipped
    pytest examples/test_support_flow.py \\
        --connect-instance-id 1111... --connect-flow-id 2222... --connect-region us-east-1

The live run uses your AWS credentials for StartChatContact (and StopContact at the end).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from boto3_connectparticipant_ext.conversation import Conversation
from boto3_connectparticipant_ext.conversation.pytest_plugin import ChatTarget

HERE = Path(__file__).resolve().parent


@pytest.fixture
def start_support_chat(connect_chat_target: ChatTarget) -> Callable[..., Any]:
    """Start a chat with the support flow: the emulator's bot offline, your flow live."""
    if connect_chat_target.emulator is None:
        return connect_chat_target.start_chat
    from boto3_connectparticipant_ext.emulator.bots import load_bot

    bot = load_bot(HERE / "support-flow.yaml")
    connect_chat_target.emulator.add_bot(bot)

    def start(**options: Any) -> Any:
        return connect_chat_target.start_chat(contact_flow_id=bot.flow_id, **options)

    return start


def test_billing_call_back(start_support_chat: Callable[..., Any]) -> None:
    with Conversation(start_support_chat(display_name="Pat"), timeout=30) as talk:
        talk.expect(text=re.compile(r"(?i)welcome"))
        talk.expect(template="ListPicker")
        talk.choose("Billing")
        talk.expect(template="TimePicker")
        talk.choose(0)
        talk.expect(text="Booked")
        talk.expect(template="QuickReply")
        talk.choose("No")
        talk.expect(text="Goodbye")
        talk.expect_end()
    print("reply latencies:", talk.latencies.summary())
