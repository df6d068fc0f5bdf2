"""The chat connection's engine: every decision about one session's websockets, and no I/O.

Drivers (the asyncio ``_stream.ChatStream``, the gevent ``gevent_session``) own
the sockets, the tasks or greenlets, the sleeping and the consumer's buffer.
The engine owns the state and the rules, with the clock reading ``now`` passed
in by the driver. It has two faces:

* Decisions the hot paths call directly (plain methods, no allocation beyond
  the answer): :meth:`Connection.receive` for every frame (an item to deliver or
  hold, the subscribe answer, the heartbeat and ping bookkeeping, an error
  frame), :meth:`Connection.accept` (sequencer: order, deduplicate, stitch,
  cut at the chat's end), :meth:`Connection.keepalive` (the timers of one
  socket, and the missed heartbeat that loses it), :meth:`Connection.release_overdue`.
* Sequences of several steps (:meth:`Connection.start`, :meth:`Connection.supervise`):
  generators that yield one operation at a time (:class:`Open`, :class:`Wait`,
  :class:`FillGap`...) and receive its result, or its exception thrown in. The
  socket refresh before the maximum age (make-before-break), the reconnect with
  backoff after a loss, the gap fill from the transcript (socket items held
  meanwhile, then drained) and the chat's end while offline are written here
  once; each driver only performs the operations, in its own concurrency model.

Tests drive the engine with a fake clock and no socket (tests/unit/chat/test_connection.py).

Examples
--------
>>> from .config import ChatConfig
>>> from ._sequencer import Sequencer
>>> engine = Connection(config=ChatConfig(), sequencer=Sequencer(chunk_wait=1.0))
>>> steps = engine.start("wss://example.invalid/connect", fill_gap=False)
>>> type(next(steps)).__name__
'Open'
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Generator, Mapping
from typing import Any, Callable, Optional, Union

from ..redact import describe_error, redact_text
from . import _protocol as protocol
from ._backoff import Backoff
from ._schedule import LOST, Keepalive, Reconnect, socket_refresh_due
from ._sequencer import Sequencer
from ._stream_api import ChatGone
from .config import ChatConfig
from .errors import ChatConnectionError
from .events import (
    ChatEndedEvent,
    ChatEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
    ConnectionReestablishedEvent,
    DeepHeartbeatFailedEvent,
    ItemEvent,
)

logger = logging.getLogger("boto3_connectparticipant_ext.chat")


class Link:
    """The engine's view of one socket: its number, age, timers, subscription and loss.

    The driver keeps its socket and tasks next to it (``handle``).
    """

    __slots__ = ("handle", "lost_reason", "number", "opened_at", "subscribed", "timing")

    def __init__(self, number: int, opened_at: float, config: ChatConfig) -> None:
        self.number = number
        self.opened_at = opened_at
        self.timing = Keepalive(
            heartbeat_interval=config.heartbeat_interval,
            ping_interval=config.ping_interval,
            now=opened_at,
        )
        #: The subscribe answer (``None``: none yet).
        self.subscribed: Optional[bool] = None
        #: Why the socket is lost (``None``: it is not).
        self.lost_reason: Optional[str] = None
        self.handle: Any = None

    @property
    def lost(self) -> bool:
        return self.lost_reason is not None


# -- the operations a driver performs for the sequences ---------------------------------


@dataclasses.dataclass(frozen=True)
class Open:
    """Open a socket to ``url``, send the subscribe frame, wait for the answer
    (``Connection.receive`` records it). Result: the subscribed :class:`Link`
    (from :meth:`Connection.new_link`); raise if it fails."""

    url: str


@dataclasses.dataclass(frozen=True)
class Use:
    """Start the timers (keepalive task) of ``link``, now the one in use. Result: ``None``."""

    link: Link


@dataclasses.dataclass(frozen=True)
class CreateWebsocket:
    """A fresh websocket URL (CreateParticipantConnection); ``ChatGone`` on 403."""

    refresh_credentials: bool


@dataclasses.dataclass(frozen=True)
class LatestItem:
    """The newest transcript item, or ``None`` (the first anchor of a fresh session)."""


@dataclasses.dataclass(frozen=True)
class FillGap:
    """Pass every transcript item after ``anchor_id`` / ``anchor_time`` (oldest first) to
    :meth:`Connection.accept` with ``from_transcript=True`` and deliver the events; stop
    once :attr:`Connection.ended`. Result: the number of events delivered."""

    anchor_id: Optional[str]
    anchor_time: Optional[str]


@dataclasses.dataclass(frozen=True)
class DrainHeld:
    """Deliver :meth:`Connection.next_held` items (``from_transcript=False``) until it
    answers ``None``. Result: ``None``."""


@dataclasses.dataclass(frozen=True)
class Deliver:
    """Hand ``event`` to the consumer (under the driver's delivery lock); after a
    :class:`ChatEndedEvent`, :meth:`Connection.finish` and close the stream."""

    event: ChatEvent


@dataclasses.dataclass(frozen=True)
class Wait:
    """Wait until ``link`` is lost or ``seconds`` have passed. Result: ``True`` if lost."""

    link: Optional[Link]
    seconds: float


@dataclasses.dataclass(frozen=True)
class Retire:
    """Stop using ``link``, close it after ``after`` seconds (in the background)."""

    link: Link
    after: float = 0.0


@dataclasses.dataclass(frozen=True)
class Discard:
    """Close ``link`` now (it was never put to use)."""

    link: Link


@dataclasses.dataclass(frozen=True)
class Fail:
    """The stream gives up: end the consumer's events with ``error``."""

    error: ChatConnectionError


Operation = Union[
    Open,
    Use,
    CreateWebsocket,
    LatestItem,
    FillGap,
    DrainHeld,
    Deliver,
    Wait,
    Retire,
    Discard,
    Fail,
]
#: A sequence: yields operations, receives their results.
Steps = Generator[Operation, Any, Any]


class Received:
    """What one frame asks for: an item to deliver now (``None`` when there is none,
    or it is held during a gap fill), an event to emit, the subscribe answer.
    (A plain class, not a dataclass: one is made per item frame.)"""

    __slots__ = ("event", "item", "subscribed")

    def __init__(
        self,
        item: Optional[Mapping[str, Any]] = None,
        event: Optional[ChatEvent] = None,
        subscribed: Optional[bool] = None,
    ) -> None:
        self.item = item
        self.event = event
        self.subscribed = subscribed


_NOTHING = Received()


class Connection:
    """The sans-I/O engine of one session's chat connection (see the module docstring)."""

    def __init__(
        self, *, config: ChatConfig, sequencer: Sequencer, backoff: Optional[Backoff] = None
    ) -> None:
        self.config = config
        self.sequencer = sequencer
        self.backoff = backoff or Backoff(
            initial=config.reconnect_initial_delay,
            multiplier=config.reconnect_multiplier,
            cap=config.reconnect_max_delay,
            jitter=config.reconnect_jitter,
        )
        #: The socket in use (``None`` before the first is subscribed).
        self.current: Optional[Link] = None
        #: The chat's end has been delivered.
        self.ended = False
        #: The driver is closing the stream: the sequences stop.
        self.closing = False
        #: A gap fill is running: socket items wait (:meth:`next_held`).
        self.filling = False
        self.reconnects = 0
        self.refreshes = 0
        self._held: collections.deque[Mapping[str, Any]] = collections.deque()
        self._links_opened = 0

    # -- decisions -------------------------------------------------------------------

    def new_link(self, now: float) -> Link:
        """A socket has opened at ``now``: its engine side (send ``SUBSCRIBE_FRAME`` on it)."""
        self._links_opened += 1
        return Link(self._links_opened, now, self.config)

    def subscribe_failure(self, link: Link) -> Optional[str]:
        """Why ``link`` is not usable after its subscribe wait (``None``: it is)."""
        if link.subscribed is None:
            reason = link.lost_reason or "no subscribe answer"
            return f"chat websocket subscription failed: {reason}"
        if not link.subscribed:
            return "chat websocket subscription was refused"
        return None

    def lose(self, link: Link, reason: str) -> bool:
        """``link`` is dead (``reason``); ``True`` the first time."""
        if link.lost_reason is not None:
            return False
        link.lost_reason = reason
        return True

    def receive(self, link: Link, text: str) -> Received:
        """One frame read from ``link``."""
        frame = protocol.parse_frame(text)
        kind = frame.kind
        if kind == protocol.ITEM:
            if self.filling:
                assert frame.item is not None
                self._held.append(frame.item)
                return _NOTHING
            return Received(frame.item)
        if kind == protocol.HEARTBEAT:
            if link.timing.heartbeat_received():
                self.backoff.reset()  # a proven socket: the next loss starts over
        elif kind == protocol.PING:
            link.timing.ping_received()
            if not frame.ok:
                return Received(event=DeepHeartbeatFailedEvent(reason=frame.detail))
        elif kind == protocol.SUBSCRIBE:
            if link.subscribed is None:
                link.subscribed = frame.ok
                return Received(subscribed=frame.ok)
        elif kind == protocol.ERROR:
            logger.warning("chat websocket error frame: %s", redact_text(frame.detail))
        else:
            logger.debug("ignored chat websocket frame (%s)", frame.detail)
        return _NOTHING

    def accept(self, item: Mapping[str, Any], *, from_transcript: bool) -> list[ItemEvent]:
        """The events ``item`` releases, in order, ending with a chat-ended event if it
        ends the chat (deliver them, then :meth:`finish` after that one)."""
        if self.ended:
            return []
        events = self.sequencer.accept(item, from_transcript=from_transcript)
        for index, event in enumerate(events):
            if isinstance(event, ChatEndedEvent):
                return events[: index + 1]
        return events

    def finish(self) -> bool:
        """The chat-ended event has been delivered; ``True`` the first time."""
        first = not self.ended
        self.ended = True
        return first

    def keepalive(self, link: Link, now: float, *, stalled: bool) -> list[str]:
        """The timer actions of ``link`` at ``now`` (``_schedule`` names). ``stalled``: the
        reader waits for room in the consumer's buffer, so a missing echo is no loss."""
        actions = link.timing.on_time(now, stalled=stalled)
        if LOST in actions:
            self.lose(link, "missed heartbeat")
        return actions

    def release_wait(self) -> Optional[float]:
        """Seconds until a held bot message may be overdue (``None``: none is held)."""
        if self.sequencer.holding and not self.ended:
            return self.sequencer.chunk_wait / 4
        return None

    def release_overdue(self) -> list[ItemEvent]:
        """Held bot messages whose missing chunk is overdue go out anyway."""
        return self.sequencer.release_overdue()

    def next_held(self) -> Optional[Mapping[str, Any]]:
        """The next socket item held during the gap fill; ``None`` ends the hold."""
        if self._held and not self.ended:
            return self._held.popleft()
        self._stop_filling()
        return None

    def _stop_filling(self) -> None:
        self._held.clear()
        self.filling = False

    # -- sequences -------------------------------------------------------------------

    def start(self, url: str, *, fill_gap: bool) -> Steps:
        """Open and subscribe the first socket (``url``: the session's first
        CreateParticipantConnection), then fill the gap after a saved anchor if asked."""
        self.filling = True
        try:
            link = yield Open(url)
        except BaseException:
            self._stop_filling()
            raise
        self.current = link
        yield Use(link)
        yield Deliver(ConnectionEstablishedEvent())
        if fill_gap:
            yield self._fill_gap()
        elif self.sequencer.anchor_id is None:
            latest = yield LatestItem()
            if latest is not None:
                self.sequencer.set_anchor_if_unset(latest)
        yield DrainHeld()

    def _fill_gap(self) -> FillGap:
        return FillGap(self.sequencer.anchor_id, self.sequencer.anchor_time)

    def supervise(self, now: Callable[[], float]) -> Steps:
        """Keep a socket in use until the chat ends: replace it before its maximum age
        (make-before-break), reconnect after a loss. ``now``: the driver's clock."""
        retry_at: Optional[float] = None
        while not (self.closing or self.ended):
            link = self.current
            assert link is not None
            due = socket_refresh_due(
                link.opened_at, max_age=self.config.socket_max_age, retry_at=retry_at
            )
            lost = yield Wait(link, max(0.0, due - now()))
            if self.closing or self.ended:
                return
            if not lost:
                try:
                    yield from self._refresh(link)
                    retry_at = None
                except ChatGone:
                    yield from self.end_offline()
                    return
                except Exception as error:  # socket, timeout or CreateParticipantConnection
                    retry_at = now() + self.backoff.next_delay()
                    logger.info("chat socket refresh failed, will retry: %s", describe_error(error))
                continue
            retry_at = None
            yield Retire(link)
            yield Deliver(ConnectionLostEvent(reason=redact_text(link.lost_reason or "")))
            if not (yield from self._reconnect(was_healthy=link.timing.healthy)):
                return

    def _refresh(self, old: Link) -> Steps:
        """Make-before-break: subscribe a new socket, use it, retire the old one later."""
        url = yield CreateWebsocket(refresh_credentials=False)
        new = yield Open(url)
        self.current = new
        yield Use(new)
        self.refreshes += 1
        yield Retire(old, after=self.config.socket_overlap)

    def _reconnect(self, *, was_healthy: bool) -> Generator[Operation, Any, bool]:
        """Reconnect with backoff and fill the gap; ``False`` when the stream is over."""
        run = Reconnect(
            self.backoff, max_attempts=self.config.max_reconnect_attempts, was_healthy=was_healthy
        )
        first_delay = run.first_delay()
        if first_delay is not None:
            yield Wait(None, first_delay)
        while not (self.closing or self.ended):
            attempts = run.start_attempt()
            link: Optional[Link] = None
            try:
                url = yield CreateWebsocket(refresh_credentials=True)
                self.filling = True
                link = yield Open(url)
                filled = yield self._fill_gap()
                self.current = link
                yield Use(link)
                self.reconnects += 1
                yield Deliver(ConnectionReestablishedEvent(attempts=attempts, gap_filled=filled))
                yield DrainHeld()
                return not self.ended
            except ChatGone:
                self._stop_filling()
                if link is not None:
                    yield Discard(link)
                yield from self.end_offline()
                return False
            except Exception as error:
                # Items held from this socket come again from the next gap fill.
                self._stop_filling()
                if link is not None:
                    yield Discard(link)
                logger.info("chat reconnect attempt %d failed: %s", attempts, describe_error(error))
                delay = run.failed()
                if delay is None:
                    yield Fail(
                        ChatConnectionError(
                            f"chat websocket lost; {attempts} reconnect attempts failed "
                            f"(last: {type(error).__name__})"
                        )
                    )
                    return False
                yield Wait(None, delay)
        return False

    def end_offline(self) -> Steps:
        """The chat ended while the socket was down: deliver what the transcript still
        has, then a chat-ended event unless the transcript already held one."""
        try:
            yield self._fill_gap()
        except ChatGone:
            pass
        except Exception as error:
            logger.info("transcript after the chat ended is unavailable: %s", describe_error(error))
        if not self.ended:
            yield Deliver(ChatEndedEvent(while_offline=True))


__all__ = [
    "Connection",
    "CreateWebsocket",
    "Deliver",
    "Discard",
    "DrainHeld",
    "Fail",
    "FillGap",
    "LatestItem",
    "Link",
    "Open",
    "Operation",
    "Received",
    "Retire",
    "Steps",
    "Use",
    "Wait",
]
