"""The bounded event buffer: backpressure, order, close, cancellation."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
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


def test_a_new_producer_waits_behind_one_already_waiting() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[str] = EventBuffer(1)
        await buffer.put("first")
        waiting = asyncio.ensure_future(buffer.put("waiting"))
        await asyncio.sleep(0)
        got: list[object] = [await buffer.get()]
        # Room appeared, but the waiting producer owns it: a newcomer queues behind.
        late = asyncio.ensure_future(buffer.put("late"))
        await asyncio.sleep(0)
        assert not late.done()
        got += [await buffer.get(), await buffer.get()]
        assert await waiting and await late
        return got

    assert run(scenario()) == ["first", "waiting", "late"]


def test_a_cancelled_waiting_producer_adds_nothing() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(1)
        await buffer.put(1)
        cancelled = asyncio.ensure_future(buffer.put(2))
        kept = asyncio.ensure_future(buffer.put(3))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.gather(cancelled, return_exceptions=True)
        got: list[object] = [await buffer.get(), await buffer.get()]
        await kept
        await buffer.close()
        got.append(await buffer.get())
        return got

    first, second, marker = run(scenario())
    assert (first, second) == (1, 3) and isinstance(marker, Closed)


def test_a_batch_takes_everything_ready_and_lets_producers_in_order() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(2)
        producer = asyncio.ensure_future(_produce(buffer, 6))
        await asyncio.sleep(0.01)
        got: list[object] = []
        while len(got) < 6:
            batch = await buffer.get_ready(1.0, limit=3)
            assert isinstance(batch, list) and 1 <= len(batch) <= 3
            got += batch
        await producer
        return got

    assert run(scenario()) == list(range(6))


def test_get_ready_waits_then_times_out_or_reports_the_close() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(2)
        timed_out = await buffer.get_ready(0.01, limit=5)
        getter = asyncio.ensure_future(buffer.get_ready(None, limit=5))
        await asyncio.sleep(0)
        await buffer.put(4)
        batch = await getter
        await buffer.close()
        return [timed_out, batch, await buffer.get_ready(0, limit=5)]

    timed_out, batch, marker = run(scenario())
    assert timed_out is None and batch == [4] and isinstance(marker, Closed)


def test_timed_out_getters_do_not_steal_later_items() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(2)
        for _ in range(3):
            assert await buffer.get(0) is None
            assert await buffer.get(0.001) is None
        waiting = asyncio.ensure_future(buffer.get())
        await asyncio.sleep(0)
        await buffer.put(9)
        return [await waiting, len(buffer)]

    assert run(scenario()) == [9, 0]


def test_put_nowait_takes_only_what_put_would_take_without_waiting() -> None:
    async def scenario() -> list[object]:
        buffer: EventBuffer[int] = EventBuffer(2)
        assert buffer.takes_now
        assert buffer.put_nowait(1) and buffer.put_nowait(2)
        assert not buffer.takes_now  # full: the caller must await put()
        waiting = asyncio.ensure_future(buffer.put(3))
        await asyncio.sleep(0)
        assert buffer.take_nowait() == 1  # admits the waiting producer's 3
        await waiting
        assert not buffer.takes_now  # full again (2, 3)
        assert buffer.take_nowait() == 2
        assert buffer.takes_now  # room, nobody queued
        await buffer.close()
        assert buffer.takes_now and not buffer.put_nowait(4)  # closed: dropped, as put()
        return [await buffer.get(), await buffer.get()]

    got = run(scenario())
    assert got[0] == 3 and isinstance(got[1], Closed)


def test_put_nowait_wakes_a_waiting_getter() -> None:
    async def scenario() -> object:
        buffer: EventBuffer[str] = EventBuffer(1)
        getter = asyncio.ensure_future(buffer.get(5.0))
        await asyncio.sleep(0)
        buffer.put_nowait("x")
        return await getter

    assert run(scenario()) == "x"


def test_another_thread_takes_while_the_loop_puts_nothing_lost_or_repeated() -> None:
    """The blocking session's consumer takes from its own thread while the reader puts
    on the loop and waits for room: every item arrives once, in order."""

    count = 20_000
    got: list[int] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        buffer: EventBuffer[int] = EventBuffer(16)
        done = threading.Event()

        deadline = time.monotonic() + 20

        def consume() -> None:
            # Takes as often as it can, so that its takes meet the loop's puts.
            while len(got) < count and time.monotonic() < deadline:
                batch, producer_waits = buffer.take_ready_threadsafe(7)
                got.extend(batch)
                if producer_waits:
                    loop.call_soon_threadsafe(buffer.admit)
            done.set()

        async def admit_missed() -> None:
            # A producer that starts waiting just as the other thread takes is missed by
            # that take; in a session the consumer's next wait (get_ready) lets it in.
            while not done.is_set():
                buffer.admit()
                await asyncio.sleep(0.001)

        thread = threading.Thread(target=consume)
        thread.start()
        admitter = asyncio.ensure_future(admit_missed())
        for number in range(count):
            if buffer.takes_now:
                buffer.put_nowait(number)
            else:
                assert await buffer.put(number)
        await admitter
        thread.join()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    try:
        run(asyncio.wait_for(scenario(), 30))  # a lost item leaves the producer waiting
    finally:
        sys.setswitchinterval(interval)
    assert got == list(range(count))


def test_get_ready_lets_in_a_producer_waiting_for_room_another_thread_made() -> None:
    """A take from another thread can miss a producer that starts waiting at that moment;
    a getter then finds the room handed over instead of waiting forever."""

    async def scenario() -> object:
        buffer: EventBuffer[str] = EventBuffer(1)
        await buffer.put("a")
        producer = asyncio.ensure_future(buffer.put("b"))
        await asyncio.sleep(0)  # "b" waits for room
        # As the other thread would: take "a" without telling the loop.
        taken, producer_waits = buffer.take_ready_threadsafe(5)
        assert taken == ["a"] and producer_waits
        batch = await buffer.get_ready(1.0, limit=5)
        assert await producer
        return batch

    assert run(scenario()) == ["b"]
