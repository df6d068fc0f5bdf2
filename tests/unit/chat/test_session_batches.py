"""How ChatSession hands events from its loop thread to the consuming thread."""

from __future__ import annotations

import asyncio

import pytest

from boto3_connectparticipant_ext.chat._consumer import EventConsumer
from boto3_connectparticipant_ext.chat.events import ChatEvent, event_from_item
from boto3_connectparticipant_ext.chat.session import _next_batch


def message(item_id: str) -> ChatEvent:
    return event_from_item({"Id": item_id, "Type": "MESSAGE", "Content": item_id})


def test_a_batch_cancelled_before_its_hand_over_goes_back_to_the_buffer() -> None:
    """The batch is handed over one loop turn after it is taken; a consumer interrupted
    meanwhile cancels the task, and the events go back to the front, in order."""

    async def scenario() -> list[str]:
        consumer = EventConsumer(websocket=True)
        buffer = consumer.open(10)
        for item_id in ("a", "b", "c"):
            await buffer.put(message(item_id))
        task = asyncio.ensure_future(_next_batch(consumer, 1.0))
        await asyncio.sleep(0)  # the task takes the batch and waits one turn
        assert len(buffer) == 0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await buffer.put(message("d"))
        return [event.id for event in buffer.take_ready(10)]  # type: ignore[attr-defined]

    assert asyncio.run(scenario()) == ["a", "b", "c", "d"]


def test_a_batch_is_handed_over_after_the_producers_it_let_in_refilled_the_buffer() -> None:
    async def scenario() -> tuple[list[str], int]:
        consumer = EventConsumer(websocket=True)
        buffer = consumer.open(2)

        async def produce() -> None:
            for number in range(6):
                await buffer.put(message(f"m{number}"))

        producer = asyncio.ensure_future(produce())
        await asyncio.sleep(0)  # two in, the third waits for room
        batch = await _next_batch(consumer, 1.0)
        refilled = len(buffer)
        producer.cancel()
        return [event.id for event in batch], refilled  # type: ignore[attr-defined]

    batch, refilled = asyncio.run(scenario())
    assert batch == ["m0", "m1", "m2"]  # the take lets the waiting "m2" in and takes it too
    assert refilled == 2  # the producer ran again before the hand-over: "m3", "m4"
