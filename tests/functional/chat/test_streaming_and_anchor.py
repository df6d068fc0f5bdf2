"""Hostile frames on the emulator's real websocket: bot chunks out of order, and items the
transcript does not keep followed by a dropped socket.

The frames are pushed through the emulator's own websocket hub (``_notify``: pushed, not
kept in the transcript), as a service or a proxy could send them.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat import (
    ChatSession,
    ConnectionReestablishedEvent,
    MessageEvent,
    OtherEvent,
)
from boto3_connectparticipant_ext.emulator import Fault
from boto3_connectparticipant_ext.emulator._ids import iso_timestamp

from .conftest import FAST, Chat

_ids = itertools.count()


def push(chat: Chat, item: dict[str, Any], *, ahead: float = 0.0) -> None:
    """Push ``item`` on the contact's sockets without keeping it in the transcript."""
    server = chat.emulator._server

    def send() -> None:
        state = server.controller.state
        contact = state.contact(chat.contact_id)
        stamped = {
            "AbsoluteTime": iso_timestamp(contact.last_time + ahead + 0.001),
            "ContactId": chat.contact_id,
            "InitialContactId": chat.contact_id,
            **item,
        }
        state._notify(contact, stamped)

    server.call(send)


def chunk(item_id: str, number: int, text: str, *, done: bool = False) -> dict[str, Any]:
    return {
        "Id": item_id,
        "Type": "MESSAGE",
        "ContentType": "text/plain",
        "ParticipantRole": "SYSTEM",
        "DisplayName": "BOT",
        "Content": text,
        "MessageMetadata": {"ChunkNumber": number, "MessageCompleted": done},
    }


def session_for(chat: Chat) -> ChatSession:
    return ChatSession(
        chat.participant_token,
        endpoint_url=chat.emulator.endpoint_url,
        chat_config=FAST,
        leave_on_exit=False,
    )


def messages_until(session: ChatSession, last_text: str, *, timeout: float = 5) -> list[Any]:
    got = []
    for event in session.events(timeout=timeout):
        if isinstance(event, MessageEvent):
            got.append(event)
            if event.content == last_text:
                break
    return got


@pytest.mark.parametrize(
    ("frames", "text"),
    [
        # whole completed item (what the service and chatjs do), in order and not
        ([(1, "Hel"), (2, "lo "), (3, "Hello world", True)], "Hello world"),
        ([(1, "Hel"), (3, "Hello world", True), (2, "lo ")], "Hello world"),
        # deltas only: 1, completed 3, then 2 must keep chunk 2
        ([(1, "Hel"), (3, "world", True), (2, "lo ")], "Hello world"),
        ([(3, "world", True), (2, "lo "), (1, "Hel")], "Hello world"),
    ],
    ids=["whole-in-order", "whole-late-chunk", "delta-1-3-2", "delta-reversed"],
)
def test_a_streamed_bot_message_is_one_message_with_its_whole_text(
    chat: Chat, frames: list[tuple[Any, ...]], text: str
) -> None:
    item_id = f"bot-{next(_ids)}"
    with session_for(chat) as session:
        for frame in frames:
            push(chat, chunk(item_id, frame[0], frame[1], done=len(frame) > 2))
        chat.agent_says("after the bot")
        got = messages_until(session, "after the bot")
    bot = [event for event in got if event.id == item_id]
    assert [(event.content, event.complete) for event in bot] == [(text, True)]
    assert [event.content for event in got][-1] == "after the bot"


def test_gap_fill_after_an_item_the_transcript_does_not_keep_loses_nothing(chat: Chat) -> None:
    unknown = {
        "Id": "never-kept",
        "Type": "EVENT",
        "ContentType": "application/vnd.amazonaws.connect.event.some.future.kind",
        "ParticipantRole": "SYSTEM",
    }
    with session_for(chat) as session:
        chat.agent_says("before")
        assert [e.content for e in messages_until(session, "before")] == ["before"]
        # An item the transcript does not keep, stamped after what comes next.
        push(chat, unknown, ahead=30.0)
        for event in session.events(timeout=5):
            if isinstance(event, OtherEvent) and event.id == "never-kept":
                break
        # The socket drops; while the session reconnects, the agent writes.
        chat.emulator.inject_fault(
            Fault.LATENCY, operation="CreateParticipantConnection", seconds=1.0
        )
        chat.emulator.inject_fault(Fault.DROP_WEBSOCKET)
        written = [chat.agent_says(f"while down {n}") for n in range(3)]
        got = []
        for event in session.events(timeout=5):
            if isinstance(event, MessageEvent):
                got.append(event.id)
            if isinstance(event, ConnectionReestablishedEvent):
                break
    assert got == written  # every one, once, in order (from the gap fill)
    assert len(chat.operations("WebsocketConnect")) == 2
