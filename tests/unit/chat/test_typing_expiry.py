"""The typing-expiry engine: lapse times, renewals, messages ending typing."""

from __future__ import annotations

from boto3_connectparticipant_ext.chat import ChatConfig, TypingLapsedEvent
from boto3_connectparticipant_ext.chat._typing_expiry import TypingExpiry
from boto3_connectparticipant_ext.chat.events import TypingEvent, event_kinds


def _typing(participant_id: str = "agent-1") -> TypingEvent:
    return TypingEvent(participant_id=participant_id, participant_role="AGENT", display_name="Ann")


def test_a_newer_typing_event_moves_the_lapse() -> None:
    engine = TypingExpiry(12.0)
    assert engine.typing(_typing(), now=0.0) == 12.0
    assert engine.typing(_typing(), now=10.0) == 22.0
    assert engine.lapse("agent-1", now=12.0) is None
    lapsed = engine.lapse("agent-1", now=22.0)
    assert lapsed == TypingLapsedEvent(
        participant_id="agent-1", participant_role="AGENT", display_name="Ann"
    )
    assert engine.lapse("agent-1", now=30.0) is None  # once


def test_a_message_ends_typing_without_a_lapse() -> None:
    engine = TypingExpiry(12.0)
    engine.typing(_typing("a"), now=0.0)
    engine.typing(_typing("b"), now=0.0)
    engine.cleared("a")
    assert engine.lapse("a", now=13.0) is None
    assert engine.lapse("b", now=13.0) is not None
    engine.typing(_typing("c"), now=0.0)
    engine.clear_all()
    assert engine.lapse("c", now=13.0) is None


def test_zero_expiry_and_anonymous_typing_are_not_tracked() -> None:
    assert TypingExpiry(0.0).typing(_typing(), now=0.0) is None
    assert TypingExpiry(12.0).typing(TypingEvent(), now=0.0) is None


def test_defaults_and_kind() -> None:
    assert ChatConfig().typing_expiry == 12.0
    assert event_kinds()["typing.lapsed"] is TypingLapsedEvent
