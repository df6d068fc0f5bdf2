"""The chat connection engine alone: frames, timers and sequences with a fake clock, no I/O."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat import _protocol as protocol
from boto3_connectparticipant_ext.chat._backoff import Backoff
from boto3_connectparticipant_ext.chat._connection import (
    Connection,
    CreateWebsocket,
    Deliver,
    Discard,
    DrainHeld,
    Fail,
    FillGap,
    LatestItem,
    Link,
    Open,
    Retire,
    Steps,
    Use,
    Wait,
)
from boto3_connectparticipant_ext.chat._schedule import LOST, SEND_HEARTBEAT
from boto3_connectparticipant_ext.chat._sequencer import Sequencer
from boto3_connectparticipant_ext.chat._stream_api import ChatGone
from boto3_connectparticipant_ext.chat.config import ChatConfig
from boto3_connectparticipant_ext.chat.errors import ChatConnectionError
from boto3_connectparticipant_ext.chat.events import (
    ChatEndedEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    DeepHeartbeatFailedEvent,
    MessageEvent,
)

from ._fakes import chat_ended_item, new_item


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def engine(**config: Any) -> Connection:
    settings = {"reconnect_jitter": 0.0, **config}
    chat_config = ChatConfig(**settings)
    backoff = Backoff(initial=1.0, multiplier=2.0, cap=30.0, jitter=0.0)
    return Connection(config=chat_config, sequencer=Sequencer(chunk_wait=1.0), backoff=backoff)


def item_frame(item: dict[str, Any]) -> str:
    return json.dumps({"topic": "aws/chat", "content": json.dumps(item)})


def subscribed(connection: Connection, now: float = 100.0) -> Link:
    link = connection.new_link(now)
    answer = connection.receive(link, '{"topic":"aws/subscribe","content":{"status":"success"}}')
    assert answer.subscribed is True and connection.subscribe_failure(link) is None
    return link


def test_item_frames_are_delivered_or_held_during_a_gap_fill_then_drained() -> None:
    connection = engine()
    link = subscribed(connection)
    first, second = new_item(), new_item()
    assert connection.receive(link, item_frame(first)).item == first
    connection.filling = True
    assert connection.receive(link, item_frame(second)).item is None  # held
    assert connection.next_held() == second
    assert connection.next_held() is None and not connection.filling


def test_frames_heartbeat_resets_the_backoff_ping_failure_is_an_event_refusal_fails() -> None:
    connection = engine()
    link = connection.new_link(0.0)
    connection.backoff.next_delay()
    connection.receive(link, protocol.HEARTBEAT_FRAME)
    assert connection.backoff.attempts == 0 and link.timing.healthy
    failed = connection.receive(link, '{"topic":"aws/ping","statusCode":500}')
    assert isinstance(failed.event, DeepHeartbeatFailedEvent)
    assert connection.subscribe_failure(link) == (
        "chat websocket subscription failed: no subscribe answer"
    )
    connection.receive(link, '{"topic":"aws/subscribe","content":{"status":"failure"}}')
    assert connection.subscribe_failure(link) == "chat websocket subscription was refused"
    assert connection.receive(link, '{"message":"Internal error"}').item is None


def test_accept_cuts_at_the_chat_end_and_nothing_follows_it() -> None:
    connection = engine()
    message, ended, later = new_item(), chat_ended_item(), new_item()
    assert [type(e) for e in connection.accept(message, from_transcript=False)] == [MessageEvent]
    events = connection.accept(ended, from_transcript=False)
    assert isinstance(events[-1], ChatEndedEvent)
    assert connection.finish() and not connection.finish()
    assert connection.accept(later, from_transcript=False) == []


def test_keepalive_loses_the_link_after_an_unanswered_heartbeat_unless_stalled() -> None:
    connection = engine(heartbeat_interval=10.0, ping_interval=1000.0)
    link = subscribed(connection, now=0.0)
    assert connection.keepalive(link, 10.0, stalled=False) == [SEND_HEARTBEAT]
    assert connection.keepalive(link, 20.0, stalled=True) == [SEND_HEARTBEAT]
    assert not link.lost
    assert connection.keepalive(link, 30.0, stalled=False) == [LOST]
    assert link.lost_reason == "missed heartbeat"


class Driver:
    """Plays the driver's part: answers each operation from a script."""

    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.log: list[Any] = []
        self.done = False
        self.value: Any = None
        self._pending: Any = None
        self._error: Optional[BaseException] = None

    def next(self) -> Any:
        try:
            if self._error is not None:
                error, self._error = self._error, None
                operation = self.steps.throw(error)
            else:
                operation = self.steps.send(self._pending)
        except StopIteration as stop:
            self.done, self.value = True, stop.value
            return None
        self.log.append(operation)
        self._pending = None
        return operation

    def answer(self, value: Any) -> Any:
        self._pending = value
        return self.next()

    def fail(self, error: BaseException) -> Any:
        self._error = error
        return self.next()


def test_start_opens_uses_announces_anchors_and_drains() -> None:
    connection = engine()
    driver = Driver(connection.start("wss://x", fill_gap=False))
    assert driver.next() == Open("wss://x") and connection.filling
    link = subscribed(connection)
    assert driver.answer(link) == Use(link)
    assert driver.answer(None) == Deliver(ConnectionEstablishedEvent())
    assert driver.answer(None) == LatestItem()
    latest = new_item()
    assert driver.answer(latest) == DrainHeld()
    assert connection.sequencer.anchor_id == latest["Id"]
    assert connection.current is link


def test_a_failed_open_stops_holding_and_raises() -> None:
    connection = engine()
    driver = Driver(connection.start("wss://x", fill_gap=True))
    driver.next()
    with pytest.raises(ChatConnectionError):
        driver.fail(ChatConnectionError("no"))
    assert not connection.filling


def started(connection: Connection, clock: Clock) -> tuple[Driver, Link]:
    link = subscribed(connection, clock.now)
    connection.current = link
    driver = Driver(connection.supervise(clock))
    return driver, link


def test_refresh_is_make_before_break_at_the_maximum_age() -> None:
    clock = Clock()
    connection = engine(socket_max_age=60.0, socket_overlap=2.0)
    driver, old = started(connection, clock)
    assert driver.next() == Wait(old, 60.0)
    clock.now += 60.0
    assert driver.answer(False) == CreateWebsocket(refresh_credentials=False)
    assert driver.answer("wss://new") == Open("wss://new")
    new = subscribed(connection, clock.now)
    assert driver.answer(new) == Use(new)
    assert driver.answer(None) == Retire(old, after=2.0)  # the old socket is read a while longer
    assert connection.current is new and connection.refreshes == 1
    assert driver.answer(None) == Wait(new, 60.0)


def test_a_failed_refresh_retries_after_the_backoff() -> None:
    clock = Clock()
    connection = engine(socket_max_age=60.0)
    driver, old = started(connection, clock)
    driver.next()
    clock.now += 60.0
    driver.answer(False)
    assert driver.fail(ChatConnectionError("503")) == Wait(old, 1.0)


def test_a_lost_link_reconnects_fills_the_gap_then_drains_held_items() -> None:
    clock = Clock()
    connection = engine()
    driver, old = started(connection, clock)
    old.timing.heartbeat_received()  # it was healthy: reconnect at once
    anchor = new_item()
    connection.accept(anchor, from_transcript=False)
    driver.next()
    connection.lose(old, "socket closed")
    assert driver.answer(True) == Retire(old)
    assert driver.answer(None) == Deliver(ConnectionLostEvent(reason="socket closed"))
    assert driver.answer(None) == CreateWebsocket(refresh_credentials=True)
    assert driver.answer("wss://again") == Open("wss://again") and connection.filling
    new = subscribed(connection, clock.now)
    assert driver.answer(new) == FillGap(anchor["Id"], anchor["AbsoluteTime"])
    assert driver.answer(3) == Use(new)
    assert driver.answer(None) == Deliver(ConnectionReestablishedEvent(attempts=1, gap_filled=3))
    assert driver.answer(None) == DrainHeld()
    assert connection.reconnects == 1


def test_an_unhealthy_link_waits_first_failed_attempts_back_off_then_give_up() -> None:
    clock = Clock()
    connection = engine(max_reconnect_attempts=2)
    driver, old = started(connection, clock)
    driver.next()
    connection.lose(old, "abort")
    driver.answer(True)  # Retire
    driver.answer(None)  # Deliver lost
    assert driver.answer(None) == Wait(None, 1.0)  # never answered a heartbeat
    assert driver.answer(False) == CreateWebsocket(refresh_credentials=True)
    assert driver.answer("wss://1") == Open("wss://1")
    broken = connection.new_link(clock.now)
    assert driver.answer(broken) == FillGap(None, None)
    assert driver.fail(ConnectionError("reset")) == Discard(broken)
    assert not connection.filling  # held items come again from the next gap fill
    assert driver.answer(None) == Wait(None, 2.0)
    assert driver.answer(False) == CreateWebsocket(refresh_credentials=True)
    failure = driver.fail(ConnectionError("refused"))
    assert isinstance(failure, Fail) and "2 reconnect attempts failed" in str(failure.error)
    driver.answer(None)
    assert driver.done and connection.reconnects == 0


def test_a_403_while_reconnecting_ends_the_chat_offline_after_the_transcript() -> None:
    clock = Clock()
    connection = engine()
    driver, old = started(connection, clock)
    old.timing.heartbeat_received()
    driver.next()
    connection.lose(old, "closed")
    driver.answer(True)
    driver.answer(None)
    driver.answer(None)  # CreateWebsocket
    assert driver.fail(ChatGone()) == FillGap(None, None)
    assert driver.answer(0) == Deliver(ChatEndedEvent(while_offline=True))
    driver.answer(None)
    assert driver.done


def test_closing_stops_the_supervision() -> None:
    clock = Clock()
    connection = engine()
    driver, _ = started(connection, clock)
    driver.next()
    connection.closing = True
    driver.answer(False)
    assert driver.done


def test_release_wait_only_while_a_bot_message_is_held() -> None:
    connection = engine()
    assert connection.release_wait() is None
    assert connection.release_overdue() == []
