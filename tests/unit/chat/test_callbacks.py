"""Callbacks: registration, the one dispatch rule, and the pumps both drivers run."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Optional

import pytest

from boto3_connectparticipant_ext.chat._callbacks import Callbacks
from boto3_connectparticipant_ext.chat.errors import ChatConnectionError
from boto3_connectparticipant_ext.chat.events import (
    ChatEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
)


def source(*events: ChatEvent, error: Optional[BaseException] = None) -> Iterator[ChatEvent]:
    yield from events
    if error is not None:
        raise error


def test_pump_dispatches_in_order_until_the_end_and_survives_a_failing_callback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []
    callbacks = Callbacks()
    callbacks.add(ChatEvent, lambda event: seen.append(event.kind))
    callbacks.add(ConnectionLostEvent, lambda event: 1 // 0)
    established, lost = ConnectionEstablishedEvent(), ConnectionLostEvent()
    events = source(established, lost, established)
    with caplog.at_level(logging.ERROR, logger="boto3_connectparticipant_ext.chat"):
        callbacks.pump(lambda: next(events, None))
    assert seen == ["connection.established", "connection.lost", "connection.established"]
    assert "callback" in caplog.text


def test_pump_ends_and_logs_when_the_stream_fails(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[ChatEvent] = []
    callbacks = Callbacks()
    callbacks.add(ChatEvent, seen.append)
    events = source(ConnectionEstablishedEvent(), error=ChatConnectionError("gave up"))
    with caplog.at_level(logging.ERROR, logger="boto3_connectparticipant_ext.chat"):
        callbacks.pump(lambda: next(events, None))
    assert len(seen) == 1
    assert "event stream ended with an error" in caplog.text


def test_pump_async_awaits_coroutine_callbacks_one_at_a_time() -> None:
    order: list[str] = []
    callbacks = Callbacks()

    async def slow(event: ChatEvent) -> None:
        order.append(f"start {event.kind}")
        await asyncio.sleep(0)
        order.append(f"end {event.kind}")

    callbacks.add(ChatEvent, slow)
    events = source(ConnectionEstablishedEvent(), ConnectionLostEvent())

    async def take() -> Optional[ChatEvent]:
        return next(events, None)

    asyncio.run(callbacks.pump_async(take))
    assert order == [
        "start connection.established",
        "end connection.established",
        "start connection.lost",
        "end connection.lost",
    ]
