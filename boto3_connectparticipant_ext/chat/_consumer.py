"""The consumer side of a session's events: a component both drivers use.

:class:`EventConsumer` knows who consumes (``events()`` or ``on()`` callbacks,
never both), the bounded buffer the events wait in (created at connect), and
the last item consumed (what ``save_state`` records, so a resumed session
re-delivers what was received but not consumed). ``ChatSession`` creates it
and hands it to its ``AsyncChatSession``; neither reaches into the other.
"""

from __future__ import annotations

from typing import Callable, Optional

from ._buffer import Closed, EventBuffer
from ._sequencer import anchors
from .errors import ChatNotConnectedError, ChatUsageError
from .events import ChatEvent, ItemEvent

Anchor = tuple[Optional[str], Optional[str]]

#: The two ways to consume a session's events (what :meth:`EventConsumer.claim` records).
EVENTS_CONSUMER, CALLBACKS_CONSUMER = "events()", "on() callbacks"

_NOT_CONNECTED = "connect() the session (or use it with `with`) first"


class EventConsumer:
    """Buffer, consumer claim and consumed anchor of one session (one event loop)."""

    def __init__(self, *, websocket: bool) -> None:
        self._websocket = websocket
        self.buffer: Optional[EventBuffer[ChatEvent]] = None
        self.consumed_anchor: Anchor = (None, None)
        #: Set when the session closed: a consumer then sees the end, not an error.
        self.session_closed = False
        self._consumer: Optional[str] = None

    def open(self, maxsize: int) -> EventBuffer[ChatEvent]:
        self.buffer = EventBuffer(maxsize)
        return self.buffer

    def claim(self, consumer: str) -> None:
        """Record who consumes the events (``events()`` or ``on()``, not both)."""
        if not self._websocket:
            raise ChatNotConnectedError(
                "this session has no websocket (created with websocket=False): no events"
            )
        if self._consumer is not None and self._consumer != consumer:
            raise ChatUsageError(
                f"this session's events are consumed by {self._consumer}; "
                f"use either events() or on() callbacks, not both"
            )
        self._consumer = consumer

    async def next_event(self, timeout: Optional[float]) -> Optional[ChatEvent]:
        """The next event (marked consumed), or ``None`` at the end or after ``timeout``."""
        batch = await self.next_events(timeout, 1)
        if not batch:
            return None
        self.note_consumed(batch[0])
        return batch[0]

    async def next_events(self, timeout: Optional[float], limit: int) -> list[ChatEvent]:
        """Every ready event (at most ``limit``), not yet marked consumed: the thread
        driver takes a backlog in one hop. ``[]`` at the end or after ``timeout``."""
        if self.buffer is None:
            if self.session_closed:
                return []
            raise ChatNotConnectedError(_NOT_CONNECTED)
        got = await self.buffer.get_ready(timeout, limit=limit)
        if got is None:
            return []
        if isinstance(got, Closed):
            if got.error is not None:
                raise got.error
            return []
        return got

    def take_ready_threadsafe(
        self, limit: int, post: Callable[[Callable[[], None]], None]
    ) -> list[ChatEvent]:
        """Every event ready now (at most ``limit``, not yet marked consumed), taken from
        another thread than the loop's, without waiting (no hop to the loop): ``[]`` when
        none is ready (``next_events`` then waits, or tells the end or the error).
        ``post(function)`` must run ``function`` on the loop; it is called when a producer
        waits for the room this take made."""
        buffer = self.buffer
        if buffer is None:
            return []
        batch, producer_waits = buffer.take_ready_threadsafe(limit)
        if producer_waits:
            post(buffer.admit)
        return batch

    async def give_back(self, *events: ChatEvent) -> None:
        """Put events a consumer took but could not deliver back at the front."""
        if self.buffer is not None:
            for event in reversed(events):
                await self.buffer.push_front(event)

    def note_consumed(self, event: ChatEvent) -> None:
        """A consumer has taken ``event``: it is where a resumed session starts."""
        if isinstance(event, ItemEvent) and event.raw is not None and anchors(event.raw):
            self.consumed_anchor = (event.id, event.absolute_time)

    def take_leftovers(self) -> list[ChatEvent]:
        """What is left in a closed buffer, without marking it consumed."""
        found: list[ChatEvent] = []
        if self.buffer is None:
            return found
        while True:
            got = self.buffer.take_nowait()
            if got is None or isinstance(got, Closed):
                return found
            found.append(got)


__all__ = ["CALLBACKS_CONSUMER", "EVENTS_CONSUMER", "EventConsumer"]
