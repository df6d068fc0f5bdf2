"""Fixtures of the helper tests: a running emulator, a chat with a customer and an agent.

Every client here is a real boto3 client talking HTTP to the emulator on
127.0.0.1; tokens are bound with ``bind_tokens`` unless a test says otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig


@dataclasses.dataclass
class Chat:
    emulator: Emulator
    contact_id: str
    customer: Any
    agent: Any
    customer_id: str
    agent_id: str
    customer_token: str
    agent_token: str
    customer_participant_token: str

    def add_messages(self, count: int, *, prefix: str = "message") -> None:
        for number in range(count):
            self.emulator.send_message(self.contact_id, self.agent_id, f"{prefix} {number}")

    def transcript_ids(self) -> list[str]:
        return [item["Id"] for item in self.emulator.transcript(self.contact_id)]


def participant_client(endpoint_url: str, **config: Any) -> Any:
    return boto3.session.Session().client(
        "connectparticipant",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        config=Config(**config) if config else None,
    )


def connect(client: Any, participant_token: str) -> str:
    answer = client.create_participant_connection(
        ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True
    )
    return str(answer["ConnectionCredentials"]["ConnectionToken"])


def open_chat(emulator: Emulator, *, bind: bool = True, **client_config: Any) -> Chat:
    cpx.install()
    started = emulator.start_chat(display_name="Customer")
    agent = emulator.add_participant(started["ContactId"], role="AGENT", display_name="Agent")
    customer_client = participant_client(emulator.endpoint_url, **client_config)
    agent_client = participant_client(emulator.endpoint_url, **client_config)
    customer_token = connect(customer_client, started["ParticipantToken"])
    agent_token = connect(agent_client, agent["ParticipantToken"])
    if bind:
        cpx.bind_tokens(customer_client, connection_token=customer_token)
        cpx.bind_tokens(agent_client, connection_token=agent_token)
    return Chat(
        emulator=emulator,
        contact_id=started["ContactId"],
        customer=customer_client,
        agent=agent_client,
        customer_id=started["ParticipantId"],
        agent_id=agent["ParticipantId"],
        customer_token=customer_token,
        agent_token=agent_token,
        customer_participant_token=started["ParticipantToken"],
    )


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(config=EmulatorConfig()) as running:
        yield running


@pytest.fixture
def chat(emulator: Emulator) -> Chat:
    return open_chat(emulator)


def operations(emulator: Emulator) -> list[str]:
    """The operations the emulator answered, in order (API and attachment store)."""
    return [str(request.operation) for request in emulator.requests]
