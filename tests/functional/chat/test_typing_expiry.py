"""The other side's typing indicator carries an expiry and lapses with an event."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat import (
    ChatConfigError,
    ChatSession,
    MessageEvent,
    TypingEvent,
    TypingLapsedEvent,
)
from boto3_connectparticipant_ext.chat.config import ChatConfig

from .conftest import FAST, Chat

TYPING = "application/vnd.amazonaws.connect.event.typing"


def _session(chat: Chat, expiry: float) -> ChatSession:
    config = dataclasses.replace(FAST, typing_expiry=expiry)
    return ChatSession(
        chat.participant_token,
        endpoint_url=chat.emulator.endpoint_url,
        chat_config=config,
        participant_id=chat.customer_id,  # how the session tells its own typing echo
    )


def _until(session: ChatSession, kind: type, timeout: float = 5.0) -> list[Any]:
    seen: list[Any] = []
    for event in session.events(timeout=timeout):
        seen.append(event)
        if isinstance(event, kind):
            return seen
    raise AssertionError(f"no {kind.__name__} in {[e.kind for e in seen]}")


def test_typing_lapses_after_the_expiry(chat: Chat) -> None:
    with _session(chat, 0.3) as session:
        before = time.time()
        chat.emulator.send_event(chat.contact_id, chat.agent_id, TYPING)
        typing = _until(session, TypingEvent)[-1]
        assert typing.participant_id == chat.agent_id
        assert (
            typing.expires_at is not None
            and before + 0.3 <= typing.expires_at <= time.time() + 0.31
        )
        lapsed = _until(session, TypingLapsedEvent)[-1]
        assert lapsed.participant_id == chat.agent_id and lapsed.participant_role == "AGENT"
        assert time.time() >= typing.expires_at - 0.05


def test_a_message_ends_typing_without_a_lapse(chat: Chat) -> None:
    with _session(chat, 0.3) as session:
        chat.emulator.send_event(chat.contact_id, chat.agent_id, TYPING)
        _until(session, TypingEvent)
        chat.agent_says("Here is the answer")
        _until(session, MessageEvent)
        later = list(session.events(timeout=0.8))
        assert not any(isinstance(e, TypingLapsedEvent) for e in later)


def test_own_typing_carries_no_expiry(chat: Chat) -> None:
    with _session(chat, 0.2) as session:
        assert session.send_typing()
        own = _until(session, TypingEvent)[-1]
        assert own.participant_id == chat.customer_id and own.expires_at is None
        assert not any(isinstance(e, TypingLapsedEvent) for e in session.events(timeout=0.6))


def test_typing_expiry_is_checked() -> None:
    with pytest.raises(ChatConfigError):
        ChatConfig(typing_expiry=-1)
