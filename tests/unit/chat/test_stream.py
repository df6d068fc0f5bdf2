"""The websocket engine against an in-memory server: reconnects, gap fill, refresh, end."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable
from typing import Any, Callable, Optional

import pytest

from boto3_connectparticipant_ext.chat._sequencer import Sequencer
from boto3_connectparticipant_ext.chat._stream import ChatStream
from boto3_connectparticipant_ext.chat.config import ChatConfig
from boto3_connectparticipant_ext.chat.errors import ChatConnectionError
from boto3_connectparticipant_ext.chat.events import (
    ChatEndedEvent,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    DeepHeartbeatFailedEvent,
    MessageEvent,
)

from ._fakes import FakeHooks, FakeServer, chat_ended_item, new_item, wait_until

FAST = ChatConfig(
    heartbeat_interval=0.05,
    ping_interval=0.05,
    reconnect_initial_delay=0.001,
    reconnect_max_delay=0.01,
    socket_overlap=0.02,
    subscribe_timeout=1.0,
)

Scenario = Callable[[ChatStream, FakeServer, FakeHooks], Awaitable[None]]


def run_stream(
    scenario: Scenario,
    *,
    config: ChatConfig = FAST,
    capacity: int = 10_000,
    anchor: Optional[str] = None,
    prepare: Optional[Callable[[FakeServer, FakeHooks], None]] = None,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[FakeServer, FakeHooks]:
    server = FakeServer()
    holder: dict[str, FakeHooks] = {}

    async def main() -> None:
        hooks = FakeHooks(server, capacity=capacity)
        holder["hooks"] = hooks
        if prepare is not None:
            prepare(server, hooks)
        stream = ChatStream(
            config=config,
            connector=server,
            hooks=hooks,
            sequencer=Sequencer(anchor_id=anchor),
            clock=clock,
        )
        await stream.start("wss://fake/0", fill_gap=anchor is not None)
        try:
            await scenario(stream, server, hooks)
        finally:
            await stream.close()

    asyncio.run(asyncio.wait_for(main(), 20))
    return server, holder["hooks"]


def test_first_event_is_connection_established_then_live_items() -> None:
    items = [new_item() for _ in range(3)]

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        for item in items:
            server.publish(item)
        await wait_until(lambda: len(hooks.message_ids()) == 3)

    server, hooks = run_stream(scenario)
    assert hooks.kinds()[0] == "connection.established"
    assert hooks.message_ids() == [item["Id"] for item in items]
    sent = [json.loads(frame)["topic"] for frame in server.sockets[0].sent]
    assert sent[0] == "aws/subscribe"


def test_drop_reconnects_and_fills_the_gap_exactly_once_in_order() -> None:
    before, during, after = new_item(), [new_item() for _ in range(5)], new_item()

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(before)
        await wait_until(lambda: len(hooks.message_ids()) == 1)
        server.drop_all()
        for item in during:
            server.publish(item)  # nobody subscribed: transcript only
        await wait_until(lambda: "connection.reestablished" in hooks.kinds())
        server.publish(after)
        await wait_until(lambda: len(hooks.message_ids()) == 7)

    _, hooks = run_stream(scenario)
    expected = [item["Id"] for item in [before, *during, after]]
    assert hooks.message_ids() == expected
    kinds = hooks.kinds()
    assert kinds.index("connection.lost") < kinds.index("connection.reestablished")
    [reestablished] = [e for e in hooks.events if isinstance(e, ConnectionReestablishedEvent)]
    assert reestablished.gap_filled == 5
    assert hooks.transcript_calls[-1] == before["Id"]
    assert hooks.refreshed_credentials == 1


def test_items_arriving_live_during_the_gap_fill_wait_for_it() -> None:
    missed = [new_item() for _ in range(3)]
    live = new_item()

    def prepare(server: FakeServer, hooks: FakeHooks) -> None:
        original = hooks.transcript_after

        async def slow_fill(anchor_id: Optional[str], anchor_time: Optional[str]) -> Any:
            # The live item reaches the new socket before the transcript is read.
            server.publish(live)
            async for item in original(anchor_id, anchor_time):
                yield item

        hooks.transcript_after = slow_fill  # type: ignore[method-assign]

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(new_item())
        await wait_until(lambda: len(hooks.message_ids()) == 1)
        server.drop_all()
        for item in missed:
            server.publish(item)
        await wait_until(lambda: len(hooks.message_ids()) == 5)
        await asyncio.sleep(0.05)

    _, hooks = run_stream(scenario, prepare=prepare)
    ids = hooks.message_ids()
    assert ids[1:] == [item["Id"] for item in missed] + [live["Id"]]


def test_missed_heartbeat_means_reconnect() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.echo_heartbeats = False
        await wait_until(lambda: "connection.lost" in hooks.kinds())
        server.echo_heartbeats = True
        await wait_until(lambda: "connection.reestablished" in hooks.kinds())

    server, hooks = run_stream(scenario)
    [lost] = [e for e in hooks.events if isinstance(e, ConnectionLostEvent)][:1]
    assert lost.reason == "missed heartbeat"
    assert server.sockets[0].closed


def test_a_full_consumer_buffer_is_not_mistaken_for_a_dead_socket() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        socket = server.sockets[0]
        for _ in range(5):
            server.publish(new_item())
        # Capacity 2: connection.established and the first message fill the
        # buffer; the reader then waits with the other items (and every
        # heartbeat echo) unread behind them.
        await wait_until(lambda: hooks.queue.full() and len(hooks.message_ids()) == 1)
        # The consumer takes nothing for many heartbeat intervals, each heartbeat
        # unanswered. (Counted, not slept: a slow machine only makes it longer.)
        stalled_at = socket.count_sent("aws/heartbeat")
        await wait_until(
            lambda: socket.count_sent("aws/heartbeat") >= stalled_at + 8 or not stream.connected
        )
        assert stream.connected
        assert len(hooks.message_ids()) == 1
        while len(hooks.message_ids()) < 5:
            await hooks.queue.get()
        # Now consume everything, so backpressure cannot excuse a missed echo:
        # the same socket must go on answering heartbeats.
        consumer = asyncio.get_running_loop().create_task(_consume_forever(hooks))
        try:
            caught_up_at = socket.count_sent("aws/heartbeat")
            await wait_until(
                lambda: (
                    socket.count_sent("aws/heartbeat") >= caught_up_at + 3 or not stream.connected
                )
            )
            assert stream.connected
        finally:
            consumer.cancel()

    server, hooks = run_stream(scenario, capacity=2)
    assert "connection.lost" not in hooks.kinds()
    assert len(hooks.message_ids()) == 5
    assert len(server.sockets) == 1


def test_a_consumer_taking_an_event_as_a_heartbeat_is_checked_is_not_a_dead_socket() -> None:
    """The consumer frees a buffer slot in the same loop turn as the heartbeat
    check, before the stalled reader has run: the buffer is not full at that
    instant, yet the reader has still not been able to read the echo."""
    config = ChatConfig(
        heartbeat_interval=0.05,
        ping_interval=3600.0,
        reconnect_initial_delay=0.001,
        reconnect_max_delay=0.01,
        subscribe_timeout=1.0,
    )

    on_next_tick: list[Callable[[], None]] = []
    taken: list[object] = []

    def clock() -> float:
        if on_next_tick:
            on_next_tick.pop()()
        return time.monotonic()

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        socket = server.sockets[0]
        for _ in range(5):
            server.publish(new_item())
        await wait_until(lambda: hooks.queue.full() and len(hooks.message_ids()) == 1)
        # Two heartbeats while stalled: the last one is outstanding and unanswered.
        stalled_at = socket.count_sent("aws/heartbeat")
        await wait_until(
            lambda: socket.count_sent("aws/heartbeat") >= stalled_at + 2 or not stream.connected
        )
        assert stream.connected
        # The keepalive reads the clock as soon as it wakes, before it checks the
        # heartbeat: the consumer takes one event right there, in the same turn.
        on_next_tick.append(lambda: taken.append(hooks.queue.get_nowait()))
        checked_at = socket.count_sent("aws/heartbeat")
        await wait_until(
            lambda: socket.count_sent("aws/heartbeat") > checked_at or not stream.connected
        )
        assert taken
        assert stream.connected
        while len(hooks.message_ids()) < 5:
            await hooks.queue.get()

    server, hooks = run_stream(scenario, config=config, capacity=2, clock=clock)
    assert "connection.lost" not in hooks.kinds()
    assert len(hooks.message_ids()) == 5
    assert len(server.sockets) == 1


async def _consume_forever(hooks: FakeHooks) -> None:
    while True:
        await hooks.queue.get()


def test_ping_failures_are_reported() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.ping_status = 500
        await wait_until(lambda: "deep_heartbeat.failed" in hooks.kinds())
        server.ping_status = None
        await wait_until(
            lambda: any(
                isinstance(e, DeepHeartbeatFailedEvent) and "no answer" in e.reason
                for e in hooks.events
            )
        )

    _, hooks = run_stream(scenario)
    reasons = [e.reason for e in hooks.events if isinstance(e, DeepHeartbeatFailedEvent)]
    assert "statusCode 500" in reasons[0]
    assert "connection.lost" not in hooks.kinds()


def test_socket_refresh_is_make_before_break_without_duplicates() -> None:
    config = ChatConfig(
        heartbeat_interval=0.05,
        ping_interval=0.05,
        socket_max_age=0.1,
        socket_overlap=0.05,
        reconnect_initial_delay=0.001,
    )
    published: list[str] = []

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        while stream.refreshes < 3:
            item = new_item()
            published.append(item["Id"])
            server.publish(item)  # to every subscribed socket: duplicates during overlaps
            await asyncio.sleep(0.01)
        await wait_until(lambda: len(hooks.message_ids()) == len(published))

    server, hooks = run_stream(scenario, config=config)
    assert hooks.message_ids() == published
    assert "connection.lost" not in hooks.kinds()
    assert len(server.sockets) >= 4
    assert hooks.refreshed_credentials == 0


def test_a_403_on_reconnect_ends_the_chat_after_the_transcript_tail() -> None:
    tail = new_item()

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(new_item())
        await wait_until(lambda: len(hooks.message_ids()) == 1)
        hooks.gone = True
        server.drop_all()
        server.publish(tail)
        await wait_until(lambda: hooks.ended)

    _, hooks = run_stream(scenario)
    assert hooks.message_ids()[-1] == tail["Id"]
    assert isinstance(hooks.events[-1], ChatEndedEvent)
    assert hooks.events[-1].while_offline


def test_a_chat_ended_item_in_the_transcript_is_used_instead_of_a_synthetic_one() -> None:
    ended = chat_ended_item()

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(new_item())
        await wait_until(lambda: len(hooks.message_ids()) == 1)
        hooks.gone = True
        server.drop_all()
        server.publish(ended)
        await wait_until(lambda: hooks.ended)

    _, hooks = run_stream(scenario)
    endings = [e for e in hooks.events if isinstance(e, ChatEndedEvent)]
    assert len(endings) == 1 and endings[0].id == ended["Id"]
    assert not endings[0].while_offline


def test_chat_ended_on_the_socket_stops_the_stream() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(chat_ended_item())
        await wait_until(lambda: hooks.ended)
        await wait_until(lambda: all(socket.closed for socket in server.sockets))
        server.publish(new_item())
        await asyncio.sleep(FAST.heartbeat_interval * 3)

    server, hooks = run_stream(scenario)
    assert hooks.kinds()[-1] == "chat.ended"
    assert len(server.sockets) == 1  # no reconnect after the end


def test_reconnect_gives_up_after_max_attempts() -> None:
    config = ChatConfig(
        heartbeat_interval=0.05,
        ping_interval=0.05,
        reconnect_initial_delay=0.001,
        reconnect_max_delay=0.002,
        max_reconnect_attempts=3,
    )

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        hooks.fail_creates = 100
        server.drop_all()
        await wait_until(lambda: hooks.failure is not None)

    _, hooks = run_stream(scenario, config=config)
    assert isinstance(hooks.failure, ChatConnectionError)
    assert "3 reconnect attempts" in str(hooks.failure)
    assert hooks.created == 3  # start() was given its URL


def test_failed_reconnects_retry_until_one_works() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        hooks.fail_creates = 4
        server.drop_all()
        await wait_until(lambda: "connection.reestablished" in hooks.kinds())

    _, hooks = run_stream(scenario)
    [event] = [e for e in hooks.events if isinstance(e, ConnectionReestablishedEvent)]
    assert event.attempts == 5


def test_refused_subscription_fails_start_and_closes_the_socket() -> None:
    server = FakeServer()
    server.subscribe_ok = False

    async def main() -> None:
        stream = ChatStream(
            config=FAST, connector=server, hooks=FakeHooks(server), sequencer=Sequencer()
        )
        with pytest.raises(ChatConnectionError, match="refused"):
            await stream.start("wss://fake/0", fill_gap=False)
        await stream.close()

    asyncio.run(main())
    assert server.sockets[0].closed


def test_start_with_a_saved_anchor_fills_the_gap_first() -> None:
    server_items = [new_item() for _ in range(4)]

    def prepare(server: FakeServer, hooks: FakeHooks) -> None:
        server.transcript.extend(server_items)

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        await wait_until(lambda: len(hooks.message_ids()) == 2)

    _, hooks = run_stream(scenario, anchor=server_items[1]["Id"], prepare=prepare)
    assert hooks.kinds()[0] == "connection.established"
    assert hooks.message_ids() == [item["Id"] for item in server_items[2:]]


def test_fresh_start_takes_the_newest_transcript_item_as_anchor() -> None:
    history = [new_item() for _ in range(3)]

    def prepare(server: FakeServer, hooks: FakeHooks) -> None:
        server.transcript.extend(history)

    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.drop_all()
        await wait_until(lambda: "connection.reestablished" in hooks.kinds())

    _, hooks = run_stream(scenario, prepare=prepare)
    assert hooks.message_ids() == []  # history before the session is not replayed
    assert hooks.transcript_calls == [history[-1]["Id"]]


def _chunk(item_id: str, number: int, text: str, *, done: bool) -> dict[str, Any]:
    return new_item(
        Id=item_id,
        ParticipantRole="SYSTEM",
        Content=text,
        MessageMetadata={"ChunkNumber": number, "MessageCompleted": done},
    )


def test_streamed_bot_chunks_arrive_as_one_message() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        for number, text in enumerate(["Hel", "lo, ", "world"], start=1):
            server.publish(_chunk("bot-1", number, text, done=number == 3), keep=False)
        server.publish(new_item())
        await wait_until(lambda: len(hooks.message_ids()) == 2)

    _, hooks = run_stream(scenario)
    messages = [e for e in hooks.events if isinstance(e, MessageEvent)]
    assert messages[0].content == "Hello, world" and len(messages[0].chunks) == 3


def test_a_stream_cut_by_a_drop_is_completed_from_the_transcript() -> None:
    async def scenario(stream: ChatStream, server: FakeServer, hooks: FakeHooks) -> None:
        server.publish(new_item())
        await wait_until(lambda: len(hooks.message_ids()) == 1)
        server.publish(_chunk("bot-2", 1, "Partial ", done=False), keep=False)
        await asyncio.sleep(0.02)
        server.drop_all()
        # What the transcript keeps: the whole message, once.
        server.transcript.append(new_item(Id="bot-2", Content="Partial answer"))
        await wait_until(lambda: len(hooks.message_ids()) == 2)
        await asyncio.sleep(0.05)

    _, hooks = run_stream(scenario)
    messages = [e for e in hooks.events if isinstance(e, MessageEvent)]
    assert [m.content for m in messages][1:] == ["Partial answer"]


def test_the_delivery_gate_is_fifo_and_a_cancelled_waiter_passes_it_on() -> None:
    from boto3_connectparticipant_ext.chat._stream import _Gate

    async def main() -> list[str]:
        gate, order = _Gate(), []
        assert gate.try_enter() and not gate.try_enter()

        async def holder(name: str) -> None:
            async with gate:
                order.append(name)

        first = asyncio.ensure_future(holder("first"))
        doomed = asyncio.ensure_future(holder("doomed"))
        second = asyncio.ensure_future(holder("second"))
        await asyncio.sleep(0)
        assert not gate.try_enter()  # held, and others queue: no overtaking
        gate.leave()  # hands over to "first"; "doomed" is cancelled while queued
        doomed.cancel()
        await asyncio.gather(first, second, doomed, return_exceptions=True)
        # Handed over and then cancelled before running: the gate goes on to the next.
        assert gate.try_enter()
        loser = asyncio.ensure_future(holder("handed-then-cancelled"))
        third = asyncio.ensure_future(holder("third"))
        await asyncio.sleep(0)
        gate.leave()  # hands over to the loser, cancelled before it runs
        loser.cancel()
        await asyncio.gather(third, loser, return_exceptions=True)
        assert not gate.held
        return order

    assert asyncio.run(main()) == ["first", "second", "third"]
