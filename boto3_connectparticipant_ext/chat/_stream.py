"""The asyncio driver of the chat connection engine (``_connection.Connection``).

The engine decides (frames, timers, refresh, reconnect with backoff, gap fill,
the chat's end); this module performs on one event loop: a reader task and a
keepalive task per socket, a supervisor task running the engine's sequences,
and the consumer's buffer behind :class:`StreamHooks` (botocore calls too).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Optional

from ..redact import redact_text
from . import _protocol as protocol
from ._connection import (
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
    Operation,
    Retire,
    Steps,
    Use,
    Wait,
)
from ._schedule import LOST, PING_UNANSWERED, SEND_HEARTBEAT, SEND_PING
from ._sequencer import Sequencer
from ._stream_api import ChatGone, StreamHooks
from ._transport import Connector, Socket, SocketClosed
from .config import ChatConfig
from .errors import ChatConnectionError
from .events import ChatEndedEvent, ChatEvent, DeepHeartbeatFailedEvent

logger = logging.getLogger("boto3_connectparticipant_ext.chat")


class _Handle:
    """The asyncio side of one engine :class:`Link`: its socket, futures and tasks."""

    def __init__(self, socket: Socket) -> None:
        self.socket = socket
        loop = asyncio.get_running_loop()
        self.lost: asyncio.Future[str] = loop.create_future()
        self.subscribed: asyncio.Future[bool] = loop.create_future()
        # The reader is handing an item over (waiting for buffer room or for
        # the delivery lock): it cannot see a heartbeat echo meanwhile.
        self.delivering = False
        self.reader: Optional[asyncio.Task[None]] = None
        self.keepalive: Optional[asyncio.Task[None]] = None


class _Gate:
    """The delivery lock: FIFO like ``asyncio.Lock``, plus :meth:`try_enter`, a plain call
    that takes it when free and nobody queues (the common case: no coroutine per item)."""

    __slots__ = ("_waiters", "held")

    def __init__(self) -> None:
        self.held = False
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def try_enter(self) -> bool:
        if self.held or self._waiters:
            return False
        self.held = True
        return True

    async def enter(self) -> None:
        if self.try_enter():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # handed over, then cancelled: pass it on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def leave(self) -> None:
        """Hand the gate to the oldest waiter still waiting (it stays held), else free it."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.held = False

    async def __aenter__(self) -> None:
        await self.enter()

    async def __aexit__(self, *_: object) -> None:
        self.leave()


def _handle(link: Link) -> _Handle:
    handle: _Handle = link.handle
    return handle


class ChatStream:
    """Owns the sockets of one session. Create, :meth:`start`, later :meth:`close`."""

    def __init__(
        self,
        *,
        config: ChatConfig,
        connector: Connector,
        hooks: StreamHooks,
        sequencer: Sequencer,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._connector = connector
        self._hooks = hooks
        self.sequencer = sequencer
        self._clock = clock
        self._engine = Connection(config=config, sequencer=sequencer)
        self._all_links: set[Link] = set()
        self._delivery_lock = _Gate()
        self._backpressure_seen = False
        self._release_timer = False
        self._accepted = 0  # events the last _accept released (for the gap fill's count)
        self._supervisor: Optional[asyncio.Task[None]] = None
        self._helpers: set[asyncio.Task[Any]] = set()

    @property
    def ended(self) -> bool:
        return self._engine.ended

    @property
    def reconnects(self) -> int:
        return self._engine.reconnects

    @property
    def refreshes(self) -> int:
        return self._engine.refreshes

    # -- lifecycle -----------------------------------------------------------------

    async def start(self, url: str, *, fill_gap: bool) -> None:
        """Open and subscribe the first socket; fill the gap after a saved anchor if asked."""
        await self._run(self._engine.start(url, fill_gap=fill_gap))
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def close(self) -> None:
        """Close every socket and stop every task (events already buffered stay)."""
        self._engine.closing = True
        tasks: list[asyncio.Task[Any]] = []
        if self._supervisor is not None and self._supervisor is not asyncio.current_task():
            self._supervisor.cancel()
            tasks.append(self._supervisor)
        for helper in list(self._helpers):
            if helper is not asyncio.current_task():
                helper.cancel()
                tasks.append(helper)
        for link in list(self._all_links):
            tasks.extend(self._stop_link_tasks(link, keep_reader=False))
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(
            *(_handle(link).socket.close() for link in list(self._all_links)),
            return_exceptions=True,
        )
        self._all_links.clear()
        self._engine.current = None

    @property
    def connected(self) -> bool:
        link = self._engine.current
        return link is not None and not link.lost and not self._engine.closing

    async def end_offline(self) -> None:
        """The chat ended while the socket was down: deliver what the transcript still
        has, then a chat-ended event unless the transcript already held one."""
        await self._run(self._engine.end_offline())

    # -- the engine's sequences ------------------------------------------------------

    async def _run(self, steps: Steps) -> Any:
        """Perform the operations ``steps`` yields; its exceptions go back into it."""
        result: Any = None
        error: Optional[Exception] = None
        while True:
            try:
                operation = steps.send(result) if error is None else steps.throw(error)
            except StopIteration as stop:
                return stop.value
            try:
                result, error = await self._perform(operation), None
            except Exception as failure:  # the engine decides (asyncio.CancelledError passes)
                result, error = None, failure

    async def _perform(self, operation: Operation) -> Any:
        engine = self._engine
        if isinstance(operation, Deliver):
            async with self._delivery_lock:
                await self._put(operation.event)
            return None
        if isinstance(operation, Wait):
            if operation.link is None:
                await asyncio.sleep(operation.seconds)
                return False
            lost = _handle(operation.link).lost
            done, _ = await asyncio.wait({lost}, timeout=operation.seconds)
            return bool(done)
        if isinstance(operation, Open):
            return await self._open_link(operation.url)
        if isinstance(operation, Use):
            self._start_keepalive(operation.link)
            return None
        if isinstance(operation, CreateWebsocket):
            return await self._hooks.create_websocket(
                refresh_credentials=operation.refresh_credentials
            )
        if isinstance(operation, LatestItem):
            return await self._hooks.latest_item()
        if isinstance(operation, FillGap):
            delivered = 0
            async for item in self._hooks.transcript_after(
                operation.anchor_id, operation.anchor_time
            ):
                delivered += await self._deliver_item(item, from_transcript=True)
                if engine.ended:
                    break
            return delivered
        if isinstance(operation, DrainHeld):
            held = engine.next_held()
            while held is not None:
                await self._deliver_item(held, from_transcript=False)
                held = engine.next_held()
            return None
        if isinstance(operation, Retire):
            if operation.after > 0:
                self._spawn(self._retire_later(operation.link, operation.after))
            else:
                await self._retire(operation.link)
            return None
        if isinstance(operation, Discard):
            await self._discard_link(operation.link)
            return None
        if isinstance(operation, Fail):
            await self._hooks.stream_failed(operation.error)
            return None
        raise TypeError(f"unknown engine operation {operation!r}")  # pragma: no cover

    async def _supervise(self) -> None:
        try:
            await self._run(self._engine.supervise(self._clock))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception("chat stream supervisor failed")
            await self._hooks.stream_failed(
                ChatConnectionError(f"chat stream failed: {type(error).__name__}")
            )

    # -- sockets -------------------------------------------------------------------

    def _mark_lost(self, link: Link, reason: str) -> None:
        self._engine.lose(link, reason)
        lost = _handle(link).lost
        if not lost.done():
            lost.set_result(reason)

    async def _open_link(self, url: str) -> Link:
        socket = await self._connector(url, self._config.open_timeout)
        link = self._engine.new_link(self._clock())
        link.handle = handle = _Handle(socket)
        self._all_links.add(link)
        handle.reader = asyncio.get_running_loop().create_task(self._read(link))
        try:
            await socket.send(protocol.SUBSCRIBE_FRAME)
            waiters: set[asyncio.Future[Any]] = {handle.subscribed, handle.lost}
            await asyncio.wait(
                waiters, timeout=self._config.subscribe_timeout, return_when=asyncio.FIRST_COMPLETED
            )
            failure = self._engine.subscribe_failure(link)
            if failure is not None:
                raise ChatConnectionError(failure)
        except SocketClosed as closed:
            await self._discard_link(link)
            raise ChatConnectionError(
                f"chat websocket closed while subscribing: {closed.reason}"
            ) from None
        except BaseException:
            await self._discard_link(link)
            raise
        return link

    async def _discard_link(self, link: Link) -> None:
        self._mark_lost(link, "discarded")
        await _handle(link).socket.close()
        tasks = self._stop_link_tasks(link, keep_reader=False)
        await asyncio.gather(*tasks, return_exceptions=True)
        self._all_links.discard(link)

    def _stop_link_tasks(self, link: Link, *, keep_reader: bool) -> list[asyncio.Task[None]]:
        handle = _handle(link)
        stopped: list[asyncio.Task[None]] = []
        current = asyncio.current_task()
        for task in (handle.keepalive, None if keep_reader else handle.reader):
            if task is not None and task is not current and not task.done():
                task.cancel()
                stopped.append(task)
        return stopped

    async def _retire(self, link: Link) -> None:
        """Stop using ``link``. Its reader is not cancelled: it may be handing an
        accepted item to the consumer, and finishes once the socket is closed."""
        self._mark_lost(link, "retired")
        await asyncio.gather(*self._stop_link_tasks(link, keep_reader=True), return_exceptions=True)

        async def close_quietly() -> None:
            # A dead peer makes the closing handshake wait for its timeout; the
            # reconnect must not wait with it.
            await _handle(link).socket.close()
            self._all_links.discard(link)

        self._spawn(close_quietly())

    async def _retire_later(self, link: Link, after: float) -> None:
        await asyncio.sleep(after)
        await self._retire(link)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._helpers.add(task)
        task.add_done_callback(self._helpers.discard)

    async def _read(self, link: Link) -> None:
        handle = _handle(link)
        engine, gate = self._engine, self._delivery_lock
        receive, read = engine.receive, handle.socket.receive
        try:
            while True:
                for text in await read():
                    received = receive(link, text)
                    item = received.item
                    if item is None:
                        if received.event is not None:
                            self._emit_soon(received.event)
                        elif received.subscribed is not None and not handle.subscribed.done():
                            handle.subscribed.set_result(received.subscribed)
                        continue
                    if engine.ended:
                        continue
                    # The common case in plain calls: the gate free, room in the buffer.
                    pending = None
                    if gate.try_enter():
                        pending = self._accept(item, False)
                        if not pending:
                            gate.leave()
                            continue
                    handle.delivering = True
                    try:
                        if pending is None:
                            await self._deliver_item(item, from_transcript=False)
                        else:
                            await self._put_held(pending)
                    finally:
                        handle.delivering = False
        except SocketClosed as closed:
            self._mark_lost(link, closed.reason or "socket closed")
        except asyncio.CancelledError:
            self._mark_lost(link, "cancelled")
            raise
        except Exception as error:
            logger.warning("chat websocket reader failed: %s", redact_text(repr(error)))
            self._mark_lost(link, f"reader failed: {type(error).__name__}")

    def _start_keepalive(self, link: Link) -> None:
        _handle(link).keepalive = asyncio.get_running_loop().create_task(self._keepalive(link))

    async def _keepalive(self, link: Link) -> None:
        """Drive the engine's timers of ``link``; a missed heartbeat loses the link."""
        handle = _handle(link)
        timing = link.timing
        timing.restart(self._clock())
        try:
            while not handle.lost.done():
                await asyncio.sleep(max(0.0, timing.deadline() - self._clock()))
                # A reader stalled by a full consumer buffer cannot see the echo:
                # that is backpressure, not a dead socket. The buffer may have room
                # again already (the consumer took an event in this same loop turn)
                # while the reader has not run yet: a reader still inside a
                # delivery is stalled all the same.
                stalled = (
                    handle.delivering or self._backpressure_seen or self._hooks.backpressured()
                )
                for action in self._engine.keepalive(link, self._clock(), stalled=stalled):
                    if action == LOST:
                        self._mark_lost(link, "missed heartbeat")
                        return
                    if action == SEND_HEARTBEAT:
                        self._backpressure_seen = False
                        await handle.socket.send(protocol.HEARTBEAT_FRAME)
                    elif action == PING_UNANSWERED:
                        self._emit_soon(DeepHeartbeatFailedEvent(reason="no answer to aws/ping"))
                    elif action == SEND_PING:
                        await handle.socket.send(protocol.PING_FRAME)
        except SocketClosed as closed:
            self._mark_lost(link, closed.reason or "socket closed")

    def _emit_soon(self, event: ChatEvent) -> None:
        """Deliver from a helper task so a full buffer never stalls the caller."""
        self._spawn(self._deliver_event(event))

    # -- delivery ------------------------------------------------------------------

    async def _deliver_event(self, event: ChatEvent) -> None:
        async with self._delivery_lock:
            await self._put(event)

    async def _put(self, event: ChatEvent) -> None:
        if self._hooks.backpressured():
            self._backpressure_seen = True
        await self._hooks.deliver(event)
        if isinstance(event, ChatEndedEvent) and self._engine.finish():
            await self._hooks.chat_ended()
            # Closing from here would cancel the task that is delivering; let a helper do it.
            self._spawn(self.close())

    async def _deliver_item(self, item: Mapping[str, Any], *, from_transcript: bool) -> int:
        """Pass one item through the engine to the consumer; return events delivered."""
        if self._engine.ended:
            return 0
        gate = self._delivery_lock
        if not gate.try_enter():
            await gate.enter()
        pending = self._accept(item, from_transcript)
        count = self._accepted
        await self._put_held(pending)
        return count

    def _accept(self, item: Mapping[str, Any], from_transcript: bool) -> Sequence[ChatEvent]:
        """With the gate held: ``item`` through the engine, its events into the buffer by
        plain calls while it has room. Returns the events left to :meth:`_put_held` (in
        order; ``[]``: done, the caller leaves the gate); counts them in ``_accepted``."""
        try:
            self._hooks.observe(item)
            engine = self._engine
            events = engine.accept(item, from_transcript=from_transcript)
            self._accepted = len(events)
            if not self._release_timer and engine.release_wait() is not None:
                self._release_timer = True
                self._spawn(self._release_held())
            offer = self._hooks.offer
            for index, event in enumerate(events):
                # A full buffer (backpressure) or the chat's end takes the waiting path.
                if isinstance(event, ChatEndedEvent) or not offer(event):
                    return events[index:]
        except BaseException:
            self._delivery_lock.leave()
            raise
        return []

    async def _put_held(self, events: Sequence[ChatEvent]) -> None:
        """Put ``events`` in order, waiting for room; then leave the gate (held on entry)."""
        try:
            for event in events:
                await self._put(event)
        finally:
            self._delivery_lock.leave()

    async def _release_held(self) -> None:
        """A held bot message (a chunk missing) goes out once overdue, even if nothing follows."""
        try:
            wait = self._engine.release_wait()
            while wait is not None:
                await asyncio.sleep(wait)
                async with self._delivery_lock:
                    for event in self._engine.release_overdue():
                        await self._put(event)
                wait = self._engine.release_wait()
        finally:
            self._release_timer = False


__all__ = ["ChatGone", "ChatStream", "StreamHooks"]
