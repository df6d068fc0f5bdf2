"""Fixtures for conversation tests: a real emulator, the caller's AWS session, the far side.

``FarSide`` plays the contact flow, the bot and the agent through the emulator's Python
control API (and, for attachments, a real agent ChatSession over HTTP).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import boto3
import pytest

from boto3_connectparticipant_ext.chat import ChatConfig, ChatSession
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.interactive import (
    Element,
    InteractiveResponse,
    ListPicker,
    QuickReply,
    TimePicker,
    TimeSlot,
    parse_response,
)
from boto3_connectparticipant_ext.service_limits import (
    INTERACTIVE_CONTENT_TYPE,
    MAX_MESSAGE_CONTENT_BYTES,
    SEND_MESSAGE_CONTENT_TYPES,
)

FAST = ChatConfig(receipt_delay=0.05, open_timeout=5.0, subscribe_timeout=5.0)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    # The control API posts the flow's interactive messages as the SYSTEM participant.
    limits = dict.fromkeys(SEND_MESSAGE_CONTENT_TYPES | {INTERACTIVE_CONTENT_TYPE}, 16384)
    assert MAX_MESSAGE_CONTENT_BYTES == 16384
    with Emulator(config=EmulatorConfig(message_content_limits=limits)) as running:
        yield running


@pytest.fixture
def aws(emulator: Emulator) -> boto3.session.Session:
    """The caller's boto3 session: StartChatContact is signed (the emulator takes any key)."""
    return boto3.session.Session(
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name=emulator.region
    )


def start_options(emulator: Emulator, aws: boto3.session.Session) -> dict[str, Any]:
    return {
        "instance_id": emulator.instance_id,
        "contact_flow_id": emulator.contact_flow_id,
        "session": aws,
        "endpoint_url": emulator.endpoint_url,
        "chat_config": FAST,
    }


@dataclasses.dataclass
class FarSide:
    """The flow, a bot and an agent on one contact, driven through the emulator."""

    emulator: Emulator
    contact_id: str
    system_id: str = ""
    agent_id: str = ""
    agent_token: str = ""

    def __post_init__(self) -> None:
        system = self.emulator.add_participant(self.contact_id, role="SYSTEM", display_name="BOT")
        self.system_id = system["ParticipantId"]

    def bot_says(self, text: str) -> str:
        return self.emulator.send_message(self.contact_id, self.system_id, text)

    def bot_sends(self, content: str) -> str:
        return self.emulator.send_message(
            self.contact_id, self.system_id, content, content_type=INTERACTIVE_CONTENT_TYPE
        )

    def list_picker(self) -> str:
        return self.bot_sends(
            ListPicker("How can we help?", [Element("Billing"), Element("Orders")]).to_content()
        )

    def time_picker(self) -> str:
        slots = [TimeSlot("2030-01-02T09:30+00:00", 30), TimeSlot("2030-01-02T10:00+00:00", 30)]
        return self.bot_sends(TimePicker("Pick a time for a call back", slots).to_content())

    def quick_reply(self) -> str:
        return self.bot_sends(
            QuickReply("Anything else?", [Element("Yes"), Element("No")]).to_content()
        )

    def stream(self, chunks: list[str]) -> str:
        return self.emulator.stream_bot_message(self.contact_id, chunks)

    def last_customer_item(self) -> dict[str, Any]:
        items = self.emulator.transcript(self.contact_id)
        return [
            i for i in items if i.get("ParticipantRole") == "CUSTOMER" and i["Type"] == "MESSAGE"
        ][-1]

    def last_response(self) -> InteractiveResponse:
        return parse_response(self.last_customer_item()["Content"])

    def transfer_to_agent(self) -> None:
        self.emulator.emit_event(self.contact_id, "transfer.succeeded")
        agent = self.emulator.add_participant(self.contact_id, role="AGENT", display_name="Ann")
        self.agent_id, self.agent_token = agent["ParticipantId"], agent["ParticipantToken"]

    def agent_says(self, text: str) -> str:
        return self.emulator.send_message(self.contact_id, self.agent_id, text)

    def agent_attaches(self, path: Path) -> str:
        with ChatSession(
            self.agent_token,
            endpoint_url=self.emulator.endpoint_url,
            websocket=False,
            leave_on_exit=False,
        ) as agent:
            return agent.upload_attachment(str(path))

    def end(self) -> None:
        self.emulator.end_contact(self.contact_id)


def far_side(emulator: Emulator, contact_id: Optional[str]) -> FarSide:
    assert contact_id
    return FarSide(emulator, contact_id)
