"""Events the service produces (idle, transfer, rehydrated...) and streamed bot messages,
emitted by the emulator while a real session is connected over the websocket."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, Optional, TypeVar

import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.chat import (
    AsyncChatSession,
    AuthenticationEvent,
    ChatEvent,
    ChatRehydratedEvent,
    ChatSession,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    ItemEvent,
    MessageEvent,
    OtherEvent,
    ParticipantAutoDisconnectedEvent,
    ParticipantDisplayNameUpdatedEvent,
    ParticipantIdleEvent,
    ParticipantInvitedEvent,
    ParticipantReturnedEvent,
    TransferFailedEvent,
    TransferSucceededEvent,
)
from boto3_connectparticipant_ext.emulator import Fault

from .conftest import FAST, Chat, wait_for

PREFIX = "application/vnd.amazonaws.connect.event."
T = TypeVar("T")
E = TypeVar("E", bound=ChatEvent)

PARTICIPANT_EVENTS: list[tuple[str, type[ItemEvent]]] = [
    ("participant.idle", ParticipantIdleEvent),
    ("participant.returned", ParticipantReturnedEvent),
    ("participant.invited", ParticipantInvitedEvent),
    ("participant.autodisconnection", ParticipantAutoDisconnectedEvent),
    ("participant.displayname.updated", ParticipantDisplayNameUpdatedEvent),
]
CONTACT_EVENTS: list[tuple[str, type[ItemEvent]]] = [
    ("transfer.succeeded", TransferSucceededEvent),
    ("transfer.failed", TransferFailedEvent),
    ("chat.rehydrated", ChatRehydratedEvent),
    # chat/events.py has no class of its own for this one: it is kept as OtherEvent.
    ("workflow.cancelled", OtherEvent),
    ("authentication.succeeded", AuthenticationEvent),
    ("authentication.failed", AuthenticationEvent),
    ("authentication.timeout", AuthenticationEvent),
    ("authentication.expired", AuthenticationEvent),
]


def session_for(chat: Chat, **options: Any) -> ChatSession:
    options.setdefault("chat_config", FAST)
    return ChatSession(chat.participant_token, endpoint_url=chat.emulator.endpoint_url, **options)


def async_session_for(chat: Chat, **options: Any) -> AsyncChatSession:
    options.setdefault("chat_config", FAST)
    return AsyncChatSession(
        chat.participant_token, endpoint_url=chat.emulator.endpoint_url, **options
    )


def open_sockets(chat: Chat) -> int:
    return sum(p["OpenSockets"] for p in chat.emulator.participants(chat.contact_id))


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def first_of(session: ChatSession, wanted: type[E], *, timeout: float = 5.0) -> E:
    """The first event of class ``wanted`` the session yields (others are skipped)."""
    for event in session.events(timeout=timeout):
        if isinstance(event, wanted):
            return event
    raise AssertionError(f"no {wanted.__name__} within {timeout} s")


def messages_until(session: ChatSession, last_content: str) -> list[MessageEvent]:
    """Every message the session yields up to the one whose content is ``last_content``."""
    got: list[MessageEvent] = []
    for event in session.events(timeout=5):
        if isinstance(event, MessageEvent):
            got.append(event)
            if event.content == last_content:
                return got
    raise AssertionError(f"no message {last_content!r}; got {[m.content for m in got]}")


@pytest.mark.parametrize(("name", "cls"), PARTICIPANT_EVENTS)
def test_participant_events_arrive_typed_with_the_participant(
    chat: Chat, name: str, cls: type[ItemEvent]
) -> None:
    with session_for(chat) as session:
        event_id = chat.emulator.emit_event(chat.contact_id, name, participant_id=chat.agent_id)
        event = first_of(session, cls)
    assert type(event) is cls and event.kind == name
    assert event.id == event_id
    assert event.type == "EVENT"
    assert event.content_type == PREFIX + name
    assert (event.participant_id, event.participant_role, event.display_name) == (
        chat.agent_id,
        "AGENT",
        "Agent",
    )
    assert event.contact_id == chat.contact_id
    assert event.absolute_time


@pytest.mark.parametrize(("name", "cls"), CONTACT_EVENTS)
def test_contact_events_arrive_typed(chat: Chat, name: str, cls: type[ItemEvent]) -> None:
    with session_for(chat) as session:
        event_id = chat.emulator.emit_event(chat.contact_id, name, content='{"detail": 1}')
        event = first_of(session, cls)
    assert type(event) is cls
    assert (event.id, event.content_type, event.contact_id) == (
        event_id,
        PREFIX + name,
        chat.contact_id,
    )
    assert event.participant_id is None
    assert event.raw is not None and event.raw["Content"] == '{"detail": 1}'
    if isinstance(event, AuthenticationEvent):
        assert event.status == name.split(".", 1)[1]
    else:
        assert event.kind == ("other" if cls is OtherEvent else name)


def test_events_arrive_in_the_order_emitted_and_once(chat: Chat) -> None:
    names = [name for name, _ in PARTICIPANT_EVENTS + CONTACT_EVENTS]
    with session_for(chat) as session:
        ids = [
            chat.emulator.emit_event(
                chat.contact_id,
                name,
                participant_id=chat.customer_id if name.startswith("participant.") else None,
            )
            for name in names
        ]
        chat.agent_says("done")
        got = []
        for event in session.events(timeout=5):
            if isinstance(event, MessageEvent) and event.content == "done":
                break
            if isinstance(event, ItemEvent) and event.id in ids:
                got.append(event.id)
    assert got == ids


def test_a_streamed_bot_message_arrives_as_one_message_with_its_chunks(chat: Chat) -> None:
    with session_for(chat) as session:
        message_id = chat.emulator.stream_bot_message(
            chat.contact_id, ["Your order ", "ships ", "tomorrow."]
        )
        chat.agent_says("after the bot")
        got = messages_until(session, "after the bot")
    streamed = [message for message in got if message.id == message_id]
    assert len(streamed) == 1
    [message] = streamed
    assert message.content == "Your order ships tomorrow."
    assert (message.participant_role, message.display_name) == ("SYSTEM", "BOT")
    assert [chunk["MessageMetadata"]["ChunkNumber"] for chunk in message.chunks] == [1, 2, 3]
    # The completed chunk carries the whole message, as the service sends it to chatjs.
    assert [chunk["Content"] for chunk in message.chunks] == [
        "Your order ",
        "ships ",
        "Your order ships tomorrow.",
    ]
    assert [chunk["MessageMetadata"]["MessageCompleted"] for chunk in message.chunks] == [
        False,
        False,
        True,
    ]
    assert {chunk["Id"] for chunk in message.chunks} == {message_id}
    assert [m.content for m in got] == ["Your order ships tomorrow.", "after the bot"]


def test_a_custom_bot_streams_under_its_own_identity(chat: Chat) -> None:
    bot = chat.emulator.add_participant(chat.contact_id, role="CUSTOM_BOT", display_name="Helper")
    with session_for(chat) as session:
        message_id = chat.emulator.stream_bot_message(
            chat.contact_id, ["one", " two"], participant_id=bot["ParticipantId"]
        )
        message = first_of(session, MessageEvent)
    assert (message.id, message.content, len(message.chunks)) == (message_id, "one two", 2)
    assert (message.participant_id, message.participant_role, message.display_name) == (
        bot["ParticipantId"],
        "CUSTOM_BOT",
        "Helper",
    )


def test_a_message_streamed_while_the_socket_is_down_comes_from_the_gap_fill_once(
    chat: Chat,
) -> None:
    no_retries = Config(retries={"total_max_attempts": 1, "mode": "standard"})
    streamed: Optional[str] = None
    events: list[ChatEvent] = []
    with session_for(chat, config=no_retries) as session:
        chat.agent_says("before")
        # Keep the session offline: every reconnect fails until the faults are cleared.
        chat.emulator.inject_fault(
            Fault.INTERNAL_ERROR, operation="CreateParticipantConnection", count=None
        )
        chat.emulator.inject_fault(Fault.DROP_WEBSOCKET)
        for event in session.events(timeout=10):
            events.append(event)
            if isinstance(event, ConnectionLostEvent):
                # No socket is open: the chunks reach nobody, the transcript keeps the message.
                wait_for(lambda: not open_sockets(chat))
                streamed = chat.emulator.stream_bot_message(
                    chat.contact_id, ["missed ", "while ", "offline"]
                )
                chat.emulator.clear_faults()
            elif isinstance(event, ConnectionReestablishedEvent):
                break
        chat.agent_says("after")
        events.extend(messages_until(session, "after"))
    assert streamed is not None
    messages = [event for event in events if isinstance(event, MessageEvent)]
    assert [m.content for m in messages] == ["before", "missed while offline", "after"]
    [recovered] = [m for m in messages if m.id == streamed]
    assert recovered.chunks == ()  # the whole message, from GetTranscript
    assert recovered.participant_role == "SYSTEM"
    [reestablished] = [e for e in events if isinstance(e, ConnectionReestablishedEvent)]
    assert reestablished.gap_filled == 1
    assert len(chat.operations("GetTranscript")) >= 2  # the anchor at connect, then the gap fill


def test_async_session_gets_service_events_and_a_streamed_message(chat: Chat) -> None:
    emulator = chat.emulator

    async def scenario() -> list[ChatEvent]:
        async with async_session_for(chat) as session:
            await asyncio.to_thread(
                emulator.emit_event,
                chat.contact_id,
                "participant.idle",
                participant_id=chat.customer_id,
            )
            await asyncio.to_thread(emulator.emit_event, chat.contact_id, "transfer.succeeded")
            await asyncio.to_thread(emulator.stream_bot_message, chat.contact_id, ["a", "b", "c"])
            events: list[ChatEvent] = []
            async for event in session.events(timeout=5):
                events.append(event)
                if isinstance(event, MessageEvent):
                    break
            return events

    events = run(scenario())
    items = [event for event in events if isinstance(event, ItemEvent)]
    assert [type(event) for event in items] == [
        ParticipantIdleEvent,
        TransferSucceededEvent,
        MessageEvent,
    ]
    idle, _, message = items
    assert (idle.participant_id, idle.participant_role) == (chat.customer_id, "CUSTOMER")
    assert isinstance(message, MessageEvent)
    assert (message.content, len(message.chunks)) == ("abc", 3)


def test_async_session_recovers_a_message_streamed_while_offline(chat: Chat) -> None:
    emulator = chat.emulator
    no_retries = Config(retries={"total_max_attempts": 1, "mode": "standard"})

    async def scenario() -> tuple[str, list[ChatEvent]]:
        async with async_session_for(chat, config=no_retries) as session:
            await asyncio.to_thread(
                emulator.inject_fault,
                Fault.INTERNAL_ERROR,
                operation="CreateParticipantConnection",
                count=None,
            )
            await asyncio.to_thread(emulator.inject_fault, Fault.DROP_WEBSOCKET)
            streamed = ""
            events: list[ChatEvent] = []
            async for event in session.events(timeout=10):
                events.append(event)
                if isinstance(event, ConnectionLostEvent):
                    streamed = await asyncio.to_thread(
                        emulator.stream_bot_message, chat.contact_id, ["x", "y"]
                    )
                    await asyncio.to_thread(emulator.clear_faults)
                elif isinstance(event, MessageEvent):
                    break
            return streamed, events

    streamed, events = run(scenario())
    messages = [event for event in events if isinstance(event, MessageEvent)]
    assert [(m.id, m.content, m.chunks) for m in messages] == [(streamed, "xy", ())]
