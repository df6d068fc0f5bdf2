"""EventConsumer on its own: one event loop, no socket, no waiting."""

from __future__ import annotations

import asyncio
from typing import Callable

import pytest

from boto3_connectparticipant_ext.chat import ChatNotConnectedError, ChatUsageError
from boto3_connectparticipant_ext.chat._consumer import EventConsumer
from boto3_connectparticipant_ext.chat.events import (
    ChatEvent,
    ConnectionEstablishedEvent,
    event_from_item,
)


def message(item_id: str) -> ChatEvent:
    return event_from_item(
        {
            "Id": item_id,
            "Type": "MESSAGE",
            "ContentType": "text/plain",
            "Content": item_id,
            "AbsoluteTime": "2026-01-01T00:00:00.000Z",
        }
    )


def test_events_or_callbacks_never_both_and_no_events_without_a_websocket() -> None:
    consumer = EventConsumer(websocket=True)
    consumer.claim("events()")
    consumer.claim("events()")
    with pytest.raises(ChatUsageError):
        consumer.claim("on() callbacks")
    with pytest.raises(ChatNotConnectedError):
        EventConsumer(websocket=False).claim("events()")


def test_a_batch_takes_every_ready_event_and_a_given_back_batch_comes_first() -> None:
    async def scenario() -> None:
        consumer = EventConsumer(websocket=True)
        with pytest.raises(ChatNotConnectedError):
            await consumer.next_events(0, 10)
        buffer = consumer.open(8)
        for item_id in ("a", "b", "c"):
            await buffer.put(message(item_id))
        first = await consumer.next_events(0, 2)
        assert [event.id for event in first] == ["a", "b"]  # type: ignore[attr-defined]
        await consumer.give_back(*first)
        again = await consumer.next_events(0, 10)
        assert [event.id for event in again] == ["a", "b", "c"]  # type: ignore[attr-defined]
        assert await consumer.next_events(0, 10) == []  # timeout: nothing ready
        assert consumer.consumed_anchor[0] is None  # taken is not consumed
        consumer.note_consumed(again[1])
        assert consumer.consumed_anchor == ("b", "2026-01-01T00:00:00.000Z")
        consumer.note_consumed(ConnectionEstablishedEvent())
        assert consumer.consumed_anchor[0] == "b"
        await buffer.put(message("d"))
        await buffer.close()
        assert [event.id for event in consumer.take_leftovers()] == ["d"]  # type: ignore[attr-defined]
        assert await consumer.next_event(0) is None
        never_opened = EventConsumer(websocket=True)
        never_opened.session_closed = True  # a closed session ends a consumer quietly
        assert await never_opened.next_events(0, 10) == []

    asyncio.run(scenario())


def test_take_ready_hands_over_the_ready_backlog_without_waiting() -> None:
    async def scenario() -> None:
        consumer = EventConsumer(websocket=True)
        # Not connected: nothing, no error.
        assert consumer.take_ready_threadsafe(10, lambda function: None) == []
        buffer = consumer.open(2)
        assert buffer.take_ready(10) == []
        producer = asyncio.ensure_future(
            asyncio.gather(*(buffer.put(message(item_id)) for item_id in "abcd"))
        )
        await asyncio.sleep(0)
        assert len(buffer) == 2 and not producer.done()
        # Taking makes room: the waiting producers' events follow, in order.
        taken = buffer.take_ready(3)
        assert [event.id for event in taken] == ["a", "b", "c"]  # type: ignore[attr-defined]
        assert [event.id for event in buffer.take_ready(10)] == ["d"]  # type: ignore[attr-defined]
        await producer
        assert consumer.consumed_anchor[0] is None  # taken is not consumed

    asyncio.run(scenario())


def test_take_ready_threadsafe_asks_the_loop_to_admit_a_waiting_producer() -> None:
    async def scenario() -> tuple[list[str], int, list[str]]:
        consumer = EventConsumer(websocket=True)
        buffer = consumer.open(2)
        posted: list[Callable[[], None]] = []
        await buffer.put(message("a"))
        await buffer.put(message("b"))
        producer = asyncio.ensure_future(buffer.put(message("c")))
        await asyncio.sleep(0)
        taken = consumer.take_ready_threadsafe(10, posted.append)
        asked = len(posted)
        for function in posted:
            function()  # as the loop would run it
        await producer
        rest = consumer.take_ready_threadsafe(10, posted.append)
        return [e.id for e in taken], asked, [e.id for e in rest]  # type: ignore[attr-defined]

    assert asyncio.run(scenario()) == (["a", "b"], 1, ["c"])
    assert EventConsumer(websocket=True).take_ready_threadsafe(5, print) == []  # not connected
