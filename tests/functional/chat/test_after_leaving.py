"""Messages after leaving: ``disconnect(wait_for_end=...)`` keeps receiving until chat.ended."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat import ChatConfigError, ChatSession
from boto3_connectparticipant_ext.chat.events import ChatEndedEvent, MessageEvent

from .conftest import FAST, Chat, wait_for


def _closing_flow(chat: Chat, text: str) -> None:
    """Stand in for a disconnect flow: when the customer leaves, the agent says ``text``."""
    state: Any = chat.emulator._server.controller.state  # no public hook for flows yet

    def on_leave(contact: Any, participant: Optional[Any]) -> None:
        if participant is not None and participant.role == "CUSTOMER":
            agent = contact.participants[chat.agent_id]
            state.post_message(agent, "text/plain", text)

    chat.emulator._server.call(lambda: state.end_listeners.append(on_leave))


def _session(chat: Chat) -> ChatSession:
    return ChatSession(
        chat.participant_token, endpoint_url=chat.emulator.endpoint_url, chat_config=FAST
    )


def test_a_message_sent_after_the_customer_left_is_received_before_the_end(chat: Chat) -> None:
    _closing_flow(chat, "Please rate us from 1 to 5")
    session = _session(chat)
    session.connect()
    chat.agent_says("Anything else?")
    received: list[Any] = []
    for event in session.events(timeout=5):
        received.append(event)
        if isinstance(event, MessageEvent) and event.content == "Anything else?":
            break
    session.disconnect(wait_for_end=5)
    after = list(session.events(timeout=1))
    contents = [e.content for e in after if isinstance(e, MessageEvent)]
    assert contents == ["Please rate us from 1 to 5"]
    assert isinstance(after[-1], ChatEndedEvent) and not after[-1].while_offline
    kinds = [e.kind for e in after]
    assert kinds.index("message") < kinds.index("chat.ended")
    assert session.chat_ended


def test_without_waiting_the_session_closes_at_once(chat: Chat) -> None:
    _closing_flow(chat, "Please rate us")
    session = _session(chat)
    session.connect()
    session.disconnect()
    after = list(session.events(timeout=1))
    assert "Please rate us" not in [e.content for e in after if isinstance(e, MessageEvent)]
    # The message exists: only the session that did not wait missed it.
    wait_for(
        lambda: (
            "Please rate us"
            in [i.get("Content") for i in chat.emulator.transcript(chat.contact_id)]
        )
    )


@pytest.mark.parametrize("bad", [-1, float("inf"), float("nan"), "5", True])
def test_wait_for_end_must_be_a_finite_number(chat: Chat, bad: Any) -> None:
    session = _session(chat)
    session.connect()
    try:
        with pytest.raises(ChatConfigError):
            session.disconnect(wait_for_end=bad)
        assert not session.chat_ended and session.connected  # refused before anything happened
        session.send_message("still here")
    finally:
        session.close()
