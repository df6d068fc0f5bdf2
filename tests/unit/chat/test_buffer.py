"""The bounded event buffer: backpressure, order, close, cancellation."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from boto3_connectparticipant_ext.chat._buffer import Closed, EventBuffer

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def test_put_waits_while_full_and_nothing_is_dropped() -> None:
    async def scenario() -> list[int]:
        buffer: EventBuffer[int] = EventBuffer(2)
        producer = asyncio.ensure_future(_produce(buffer, 10))
        await asyncio.sleep(0.01)
        assert len(buffer) == 2 and not producer.done()
        got = []
        for _ in range(10):
            item = await buffer.get(1.0)
            assert isinstance(item, int)
            got.append(item)
        await producer
        return got

    assert run(scenario()) == list(range(10))


async def _produce(buffer: EventBuffer[int], count: int) -> None:
    for number in range(count):
        assert await buffer.put(number)


def test_waiting_producers_are_served_in_arrival_order() -> None:
    async def scenario() -> list[int]:
        buffer: EventBuffer[int] = EventBuffer(1)
        await buffer.put(0)
        producers = []
        for number in range(1, 6):
            producers.append(asyncio.ensure_future(buffer.put(number)))
            await asyncio.sleep(0)
        got = []
        for _ in range(6):
            item = await buffer.get()
            assert isinstance(item, int)
            got.append(item)
        await asyncio.gather(*producers)
        return got

    assert run(scenario()) == [0, 1, 2, 3, 4, 5]


def test_get_times_out_with_none() -> None:
    async def scenario() -> object:
        buffer: EventBuffer[int] = EventBuffer(1)
        return await buffer.get(0.01)

    assert run(scenario()) is None


def test_close_drains_then_reports_closed_with_error() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(5)
        await buffer.put(1)
        error = RuntimeError("gone")
        await buffer.close(error)
        assert not await buffer.put(2)
        first, second = await buffer.get(), await buffer.get()
        assert isinstance(second, Closed) and second.error is error
        return [first, buffer.take_nowait()]

    first, marker = run(scenario())
    assert first == 1 and isinstance(marker, Closed)


def test_close_releases_a_blocked_producer() -> None:
    async def scenario() -> bool:
        buffer: EventBuffer[int] = EventBuffer(1)
        await buffer.put(1)
        producer = asyncio.ensure_future(buffer.put(2))
        await asyncio.sleep(0)
        await buffer.close()
        return await producer

    assert run(scenario()) is False


def test_cancelled_get_takes_nothing() -> None:
    async def scenario() -> object:
        buffer: EventBuffer[int] = EventBuffer(5)
        getter = asyncio.ensure_future(buffer.get())
        await asyncio.sleep(0)
        getter.cancel()
        await asyncio.gather(getter, return_exceptions=True)
        await buffer.put(7)
        return await buffer.get(0)

    assert run(scenario()) == 7


def test_push_front_returns_an_item_to_the_head() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(5)
        await buffer.put(2)
        await buffer.push_front(1)
        return [await buffer.get(), await buffer.get()]

    assert run(scenario()) == [1, 2]
