"""The websocket engine: keep one live, subscribed socket and turn it into ordered events.

It heartbeats and pings, reconnects with backoff when the socket dies, fills
the gap from the transcript after a reconnect, replaces the socket before its
maximum age (make-before-break) and reports the chat's end. Everything runs
on one event loop; botocore calls are behind :class:`StreamHooks`.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional

from ..redact import describe_error, redact_text
from . import _protocol as protocol
from ._backoff import Backoff
from ._schedule import (
    LOST,
    PING_UNANSWERED,
    SEND_HEARTBEAT,
    SEND_PING,
    Keepalive,
    Reconnect,
    socket_refresh_due,
)
from ._sequencer import Sequencer
from ._stream_api import ChatGone, StreamHooks
from ._transport import Connector, Socket, SocketClosed
from .config import ChatConfig
from .errors import ChatConnectionError
from .events import (
    ChatEndedEvent,
    ChatEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    DeepHeartbeatFailedEvent,
)

logger = logging.getLogger("boto3_connectparticipant_ext.chat")


class _Link:
    """One open, subscribed socket and its tasks."""

    def __init__(self, socket: Socket, opened_at: float, number: int, config: ChatConfig) -> None:
        self.socket = socket
        self.opened_at = opened_at
        self.number = number
        loop = asyncio.get_running_loop()
        self.lost: asyncio.Future[str] = loop.create_future()
        self.subscribed: asyncio.Future[bool] = loop.create_future()
        self.timing = Keepalive(
            heartbeat_interval=config.heartbeat_interval,
            ping_interval=config.ping_interval,
            now=opened_at,
        )
        self.retiring = False
        # The reader is handing an item over (waiting for buffer room or for
        # the delivery lock): it cannot see a heartbeat echo meanwhile.
        self.delivering = False
        self.reader: Optional[asyncio.Task[None]] = None
        self.keepalive: Optional[asyncio.Task[None]] = None

    def mark_lost(self, reason: str) -> None:
        if not self.lost.done():
            self.lost.set_result(reason)


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
        self._backoff = Backoff(
            initial=config.reconnect_initial_delay,
            multiplier=config.reconnect_multiplier,
            cap=config.reconnect_max_delay,
            jitter=config.reconnect_jitter,
        )
        self._link: Optional[_Link] = None
        self._links_opened = 0
        self._all_links: set[_Link] = set()
        self._filling = False
        self._held: collections.deque[Mapping[str, Any]] = collections.deque()
        self._delivery_lock = asyncio.Lock()
        self._backpressure_seen = False
        self._release_timer = False
        self._supervisor: Optional[asyncio.Task[None]] = None
        self._helpers: set[asyncio.Task[Any]] = set()
        self._closing = False
        self.ended = False
        self.reconnects = 0
        self.refreshes = 0

    # -- lifecycle -----------------------------------------------------------------

    async def start(self, url: str, *, fill_gap: bool) -> None:
        """Open and subscribe the first socket; fill the gap after a saved anchor if asked."""
        self._filling = True
        try:
            link = await self._open_link(url)
        except BaseException:
            self._filling = False
            self._held.clear()
            raise
        self._link = link
        self._start_keepalive(link)
        await self._hooks.deliver(ConnectionEstablishedEvent())
        if fill_gap:
            await self._fill_gap()
        elif self.sequencer.anchor_id is None:
            latest = await self._hooks.latest_item()
            if latest is not None:
                self.sequencer.set_anchor_if_unset(latest)
        await self._drain_held()
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def close(self) -> None:
        """Close every socket and stop every task (events already buffered stay)."""
        self._closing = True
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
            *(link.socket.close() for link in list(self._all_links)), return_exceptions=True
        )
        self._all_links.clear()
        self._link = None

    @property
    def connected(self) -> bool:
        link = self._link
        return link is not None and not link.lost.done() and not self._closing

    # -- sockets -------------------------------------------------------------------

    async def _open_link(self, url: str) -> _Link:
        socket = await self._connector(url, self._config.open_timeout)
        self._links_opened += 1
        link = _Link(socket, self._clock(), self._links_opened, self._config)
        self._all_links.add(link)
        link.reader = asyncio.get_running_loop().create_task(self._read(link))
        try:
            await link.socket.send(protocol.SUBSCRIBE_FRAME)
            waiters: set[asyncio.Future[Any]] = {link.subscribed, link.lost}
            done, _ = await asyncio.wait(
                waiters,
                timeout=self._config.subscribe_timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if link.subscribed not in done:
                reason = link.lost.result() if link.lost in done else "no subscribe answer"
                raise ChatConnectionError(f"chat websocket subscription failed: {reason}")
            if not link.subscribed.result():
                raise ChatConnectionError("chat websocket subscription was refused")
        except SocketClosed as closed:
            await self._discard_link(link)
            raise ChatConnectionError(
                f"chat websocket closed while subscribing: {closed.reason}"
            ) from None
        except BaseException:
            await self._discard_link(link)
            raise
        return link

    async def _discard_link(self, link: _Link) -> None:
        link.mark_lost("discarded")
        await link.socket.close()
        tasks = self._stop_link_tasks(link, keep_reader=False)
        await asyncio.gather(*tasks, return_exceptions=True)
        self._all_links.discard(link)

    def _stop_link_tasks(self, link: _Link, *, keep_reader: bool) -> list[asyncio.Task[None]]:
        stopped: list[asyncio.Task[None]] = []
        current = asyncio.current_task()
        for task in (link.keepalive, None if keep_reader else link.reader):
            if task is not None and task is not current and not task.done():
                task.cancel()
                stopped.append(task)
        return stopped

    async def _retire(self, link: _Link) -> None:
        """Stop using ``link``. Its reader is not cancelled: it may be handing an
        accepted item to the consumer, and finishes once the socket is closed."""
        link.retiring = True
        link.mark_lost("retired")
        await asyncio.gather(*self._stop_link_tasks(link, keep_reader=True), return_exceptions=True)

        async def close_quietly() -> None:
            # A dead peer makes the closing handshake wait for its timeout; the
            # reconnect must not wait with it.
            await link.socket.close()
            self._all_links.discard(link)

        self._spawn(close_quietly())

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._helpers.add(task)
        task.add_done_callback(self._helpers.discard)

    async def _read(self, link: _Link) -> None:
        try:
            while True:
                frame = protocol.parse_frame(await link.socket.recv())
                if frame.kind == protocol.ITEM:
                    assert frame.item is not None
                    if self._filling:
                        self._held.append(frame.item)
                    else:
                        link.delivering = True
                        try:
                            await self._deliver_item(frame.item, from_transcript=False)
                        finally:
                            link.delivering = False
                elif frame.kind == protocol.HEARTBEAT:
                    if link.timing.heartbeat_received():
                        self._backoff.reset()
                elif frame.kind == protocol.PING:
                    link.timing.ping_received()
                    if not frame.ok:
                        self._emit_soon(DeepHeartbeatFailedEvent(reason=frame.detail))
                elif frame.kind == protocol.SUBSCRIBE:
                    if not link.subscribed.done():
                        link.subscribed.set_result(frame.ok)
                elif frame.kind == protocol.ERROR:
                    logger.warning("chat websocket error frame: %s", redact_text(frame.detail))
                else:
                    logger.debug("ignored chat websocket frame (%s)", frame.detail)
        except SocketClosed as closed:
            link.mark_lost(closed.reason or "socket closed")
        except asyncio.CancelledError:
            link.mark_lost("cancelled")
            raise
        except Exception as error:
            logger.warning("chat websocket reader failed: %s", redact_text(repr(error)))
            link.mark_lost(f"reader failed: {type(error).__name__}")

    def _start_keepalive(self, link: _Link) -> None:
        link.keepalive = asyncio.get_running_loop().create_task(self._keepalive(link))

    async def _keepalive(self, link: _Link) -> None:
        """Drive ``link.timing`` (heartbeats and deep pings); a missed heartbeat loses the link."""
        timing = link.timing
        timing.restart(self._clock())
        try:
            while not link.lost.done():
                await asyncio.sleep(max(0.0, timing.deadline() - self._clock()))
                # A reader stalled by a full consumer buffer cannot see the echo:
                # that is backpressure, not a dead socket. The buffer may have room
                # again already (the consumer took an event in this same loop turn)
                # while the reader has not run yet: a reader still inside a
                # delivery is stalled all the same.
                stalled = link.delivering or self._backpressure_seen or self._hooks.backpressured()
                for action in timing.on_time(self._clock(), stalled=stalled):
                    if action == LOST:
                        link.mark_lost("missed heartbeat")
                        return
                    if action == SEND_HEARTBEAT:
                        self._backpressure_seen = False
                        await link.socket.send(protocol.HEARTBEAT_FRAME)
                    elif action == PING_UNANSWERED:
                        self._emit_soon(DeepHeartbeatFailedEvent(reason="no answer to aws/ping"))
                    elif action == SEND_PING:
                        await link.socket.send(protocol.PING_FRAME)
        except SocketClosed as closed:
            link.mark_lost(closed.reason or "socket closed")

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

    async def _deliver_item(self, item: Mapping[str, Any], *, from_transcript: bool) -> int:
        """Pass one item through the sequencer to the consumer; return events delivered."""
        if self.ended:
            return 0
        async with self._delivery_lock:
            self._hooks.observe(item)
            events = self.sequencer.accept(item, from_transcript=from_transcript)
            for event in events:
                await self._put(event)
                if isinstance(event, ChatEndedEvent):
                    await self._end_chat()
                    break
            if self.sequencer.holding and not self._release_timer:
                self._release_timer = True
                self._spawn(self._release_held())
            return len(events)

    async def _release_held(self) -> None:
        """A held bot message (a chunk missing) goes out once overdue, even if nothing follows."""
        try:
            while self.sequencer.holding and not self.ended:
                await asyncio.sleep(self.sequencer.chunk_wait / 4)
                async with self._delivery_lock:
                    for event in self.sequencer.release_overdue():
                        await self._put(event)
        finally:
            self._release_timer = False

    async def _fill_gap(self) -> int:
        """Deliver transcript items after the anchor (socket items wait in ``_held``)."""
        delivered = 0
        anchor_id, anchor_time = self.sequencer.anchor_id, self.sequencer.anchor_time
        async for item in self._hooks.transcript_after(anchor_id, anchor_time):
            delivered += await self._deliver_item(item, from_transcript=True)
            if self.ended:
                break
        return delivered

    async def _drain_held(self) -> None:
        while self._held and not self.ended:
            await self._deliver_item(self._held.popleft(), from_transcript=False)
        self._held.clear()
        self._filling = False

    async def _end_chat(self) -> None:
        if self.ended:
            return
        self.ended = True
        await self._hooks.chat_ended()
        # Closing from here would cancel the task that is delivering; let a helper do it.
        self._spawn(self.close())

    # -- supervision -----------------------------------------------------------------

    async def _supervise(self) -> None:
        try:
            refresh_retry_at: Optional[float] = None
            while not (self._closing or self.ended):
                link = self._link
                assert link is not None
                due = socket_refresh_due(
                    link.opened_at, max_age=self._config.socket_max_age, retry_at=refresh_retry_at
                )
                done, _ = await asyncio.wait({link.lost}, timeout=max(0.0, due - self._clock()))
                if self._closing or self.ended:
                    return
                if link.lost not in done:
                    try:
                        await self._refresh(link)
                        refresh_retry_at = None
                    except ChatGone:
                        await self.end_offline()
                        return
                    except Exception as error:  # socket, timeout or CreateParticipantConnection
                        refresh_retry_at = self._clock() + self._backoff.next_delay()
                        logger.info(
                            "chat socket refresh failed, will retry: %s", describe_error(error)
                        )
                    continue
                refresh_retry_at = None
                reason = link.lost.result()
                await self._retire(link)
                await self._deliver_event(ConnectionLostEvent(reason=redact_text(reason)))
                if not await self._reconnect(was_healthy=link.timing.healthy):
                    return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception("chat stream supervisor failed")
            await self._hooks.stream_failed(
                ChatConnectionError(f"chat stream failed: {type(error).__name__}")
            )

    async def _refresh(self, old: _Link) -> None:
        """Make-before-break: subscribe a new socket, then retire the old one."""
        url = await self._hooks.create_websocket(refresh_credentials=False)
        new = await self._open_link(url)
        self._start_keepalive(new)
        self._link = new
        self.refreshes += 1
        old.retiring = True

        async def retire_later() -> None:
            await asyncio.sleep(self._config.socket_overlap)
            await self._retire(old)

        self._spawn(retire_later())

    async def _reconnect(self, *, was_healthy: bool) -> bool:
        """Reconnect with backoff and fill the gap; ``False`` when the stream is over."""
        run = Reconnect(
            self._backoff,
            max_attempts=self._config.max_reconnect_attempts,
            was_healthy=was_healthy,
        )
        first_delay = run.first_delay()
        if first_delay is not None:
            await asyncio.sleep(first_delay)
        while not (self._closing or self.ended):
            attempts = run.start_attempt()
            link: Optional[_Link] = None
            try:
                url = await self._hooks.create_websocket(refresh_credentials=True)
                self._filling = True
                link = await self._open_link(url)
                filled = await self._fill_gap()
                self._link = link
                self._start_keepalive(link)
                self.reconnects += 1
                await self._deliver_event(
                    ConnectionReestablishedEvent(attempts=attempts, gap_filled=filled)
                )
                await self._drain_held()
                return not self.ended
            except ChatGone:
                self._filling = False
                self._held.clear()
                if link is not None:
                    await self._discard_link(link)
                await self.end_offline()
                return False
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Items held from this socket come again from the next gap fill.
                self._filling = False
                self._held.clear()
                if link is not None:
                    await self._discard_link(link)
                logger.info("chat reconnect attempt %d failed: %s", attempts, describe_error(error))
                delay = run.failed()
                if delay is None:
                    await self._hooks.stream_failed(
                        ChatConnectionError(
                            f"chat websocket lost; {attempts} reconnect attempts failed "
                            f"(last: {type(error).__name__})"
                        )
                    )
                    return False
                await asyncio.sleep(delay)
        return False

    async def end_offline(self) -> None:
        """The chat ended while the socket was down: deliver what the transcript still
        has, then a chat-ended event unless the transcript already held one."""
        try:
            await self._fill_gap()
        except ChatGone:
            pass
        except Exception as error:
            logger.info("transcript after the chat ended is unavailable: %s", describe_error(error))
        if not self.ended:
            async with self._delivery_lock:
                await self._put(ChatEndedEvent(while_offline=True))
                await self._end_chat()


__all__ = ["ChatGone", "ChatStream", "StreamHooks"]
