"""Fixtures for chat-session tests: a real emulator on 127.0.0.1 and a started chat."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from boto3_connectparticipant_ext.chat import ChatConfig
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

# Short intervals so that reconnects, refreshes and throttles happen in test time.
FAST = ChatConfig(
    heartbeat_interval=0.5,
    ping_interval=0.5,
    reconnect_initial_delay=0.005,
    reconnect_max_delay=0.05,
    socket_overlap=0.05,
    receipt_delay=0.05,
    open_timeout=5.0,
    subscribe_timeout=5.0,
)


@dataclasses.dataclass
class Chat:
    """A started chat: the customer's token (for the session) and an agent to talk to."""

    emulator: Emulator
    contact_id: str
    customer_id: str
    participant_token: str
    agent_id: str

    def agent_says(self, text: str) -> str:
        return self.emulator.send_message(self.contact_id, self.agent_id, text)

    def operations(self, name: str) -> list[Any]:
        return [request for request in self.emulator.requests if request.operation == name]


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig()


@pytest.fixture
def emulator(emulator_config: EmulatorConfig) -> Iterator[Emulator]:
    with Emulator(config=emulator_config) as running:
        yield running


@pytest.fixture
def chat(emulator: Emulator) -> Chat:
    started = emulator.start_chat(display_name="Customer")
    agent = emulator.add_participant(started["ContactId"], role="AGENT", display_name="Agent")
    return Chat(
        emulator=emulator,
        contact_id=started["ContactId"],
        customer_id=started["ParticipantId"],
        participant_token=started["ParticipantToken"],
        agent_id=agent["ParticipantId"],
    )


def wait_for(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Poll ``condition`` from the test (the session itself never polls)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class Background(threading.Thread):
    """A thread whose exception fails the test when joined."""

    def __init__(self, target: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self._work = target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._work()
        except BaseException as error:
            self.error = error

    def finish(self, timeout: float = 60.0) -> None:
        self.join(timeout)
        assert not self.is_alive(), "background work did not finish"
        if self.error is not None:
            raise self.error
