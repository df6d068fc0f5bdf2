"""The ``on()`` callbacks of a session and the one rule for calling them.

Both drivers use it: the asyncio session awaits a callback's awaitable before
the next one; the thread driver calls them on its dispatcher thread. In both,
callbacks run one at a time in event order, and an exception in one is logged
(never with its event's content) and does not stop the others.

Examples
--------
>>> from boto3_connectparticipant_ext.chat.events import ChatEvent, ConnectionEstablishedEvent
>>> seen = []
>>> callbacks = Callbacks()
>>> remove = callbacks.add(ChatEvent, seen.append)
>>> callbacks.dispatch(ConnectionEstablishedEvent())
>>> remove()
>>> callbacks.dispatch(ConnectionEstablishedEvent())
>>> len(seen)
1
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Awaitable
from typing import Any, Callable, Optional

from ..redact import describe_error
from .events import ChatEvent

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

Entry = tuple[type[ChatEvent], Callable[[ChatEvent], Any]]


class Callbacks:
    """Registered ``(event class, callback)`` pairs; usable from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._entries)

    def add(
        self, kind: type[ChatEvent], callback: Callable[[ChatEvent], Any]
    ) -> Callable[[], None]:
        """Register ``callback`` for events of ``kind``; return the function that removes it."""
        entry: Entry = (kind, callback)
        with self._lock:
            self._entries.append(entry)

        def remove() -> None:
            with self._lock:
                if entry in self._entries:
                    self._entries.remove(entry)

        return remove

    def matching(self, event: ChatEvent) -> list[Callable[[ChatEvent], Any]]:
        """The callbacks registered for ``event``'s kind, in registration order."""
        with self._lock:
            entries = list(self._entries)
        return [callback for kind, callback in entries if isinstance(event, kind)]

    def dispatch(self, event: ChatEvent) -> None:
        """Call every matching callback (from the thread driver's dispatcher)."""
        for callback in self.matching(event):
            try:
                callback(event)
            except Exception:
                _failed(callback)

    async def dispatch_async(self, event: ChatEvent) -> None:
        """Call every matching callback, awaiting what a coroutine function returns."""
        for callback in self.matching(event):
            try:
                result = callback(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                _failed(callback)

    def pump(self, take: Callable[[], Optional[ChatEvent]]) -> None:
        """Dispatch the events ``take()`` returns until it returns ``None`` (the end) or
        raises (logged: the stream failed). The thread driver's dispatcher thread."""
        while True:
            try:
                event = take()
            except Exception as error:
                _stream_failed(error)
                return
            if event is None:
                return
            self.dispatch(event)

    async def pump_async(self, take: Callable[[], Awaitable[Optional[ChatEvent]]]) -> None:
        """:meth:`pump` for the asyncio session (its dispatcher task)."""
        while True:
            try:
                event = await take()
            except Exception as error:
                _stream_failed(error)
                return
            if event is None:
                return
            await self.dispatch_async(event)


def _stream_failed(error: BaseException) -> None:
    logger.error("chat event stream ended with an error: %s", describe_error(error))


def _failed(callback: Callable[[ChatEvent], Any]) -> None:
    logger.exception("chat event callback %r failed", callback)


__all__ = ["Callbacks"]
