"""Helpers for bot tests: start a chat on a bot's flow, wait for what the bot does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest

from boto3_connectparticipant_ext.chat import ChatEvent, ChatSession, MessageEvent
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.interactive import (
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
)

from ..chat.conftest import FAST, wait_for
from ..emulator.conftest import connect_client

CONTENT_TYPES = [
    "text/plain",
    "text/markdown",
    INTERACTIVE_CONTENT_TYPE,
    INTERACTIVE_RESPONSE_CONTENT_TYPE,
]

__all__ = ["FAST", "expect", "message_from", "start_chat", "wait_for"]


def start_chat(endpoint: Any, flow_id: str, **extra: Any) -> dict[str, Any]:
    """StartChatContact with a stock Connect client (what a real test of a flow does)."""
    answer: dict[str, Any] = connect_client(endpoint).start_chat_contact(
        InstanceId=endpoint.instance_id,
        ContactFlowId=flow_id,
        ParticipantDetails={"DisplayName": "Customer"},
        SupportedMessagingContentTypes=CONTENT_TYPES,
        **extra,
    )
    return answer


def expect(
    session: ChatSession, predicate: Callable[[ChatEvent], bool], *, timeout: float = 10.0
) -> ChatEvent:
    """The next event ``predicate`` accepts; the events seen fail the test if none comes."""
    seen: list[str] = []
    for event in session.events(timeout=timeout):
        if predicate(event):
            return event
        seen.append(f"{event.kind}:{getattr(event, 'content', '')!r}"[:80])
    raise AssertionError(f"no matching event in {timeout}s; saw {seen}")


def message_from(
    role: str, content: Optional[str] = None, content_type: Optional[str] = None
) -> Callable[[ChatEvent], bool]:
    def check(event: ChatEvent) -> bool:
        return (
            isinstance(event, MessageEvent)
            and event.participant_role == role
            and (content is None or event.content == content)
            and (content_type is None or event.content_type == content_type)
        )

    return check


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running
