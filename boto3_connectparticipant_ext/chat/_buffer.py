"""The bounded, ordered event buffer between the session engine and its consumer.

Every event of a busy chat passes through here once, so the buffer keeps its
own waiters (futures in two FIFO queues, as ``asyncio.Queue`` does) instead of
a condition variable and a lock: a put with room and a get with items ready
take no lock and never yield.

Threads: everything runs on the buffer's event loop except
:meth:`EventBuffer.take_ready_threadsafe`, which another thread (the blocking
session's consumer) may call at any time. Every take, on the loop or not, holds
one plain lock (a put appends without it: appending on the right never
disturbs a take on the left), so a batch is never interleaved with another
taker's; the room a take from another thread makes is handed to a waiting
producer on the loop (:meth:`EventBuffer.admit`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
from typing import Any, Generic, Optional, TypeVar, Union

T = TypeVar("T")


class Closed:
    """Returned by :meth:`EventBuffer.get` once the buffer is closed and drained."""

    def __init__(self, error: Optional[BaseException]) -> None:
        self.error = error

    def __repr__(self) -> str:
        return f"Closed(error={type(self.error).__name__ if self.error else None})"


class EventBuffer(Generic[T]):
    """FIFO of at most ``maxsize`` items, used from one event loop.

    ``put`` waits while the buffer is full (backpressure, never a drop) and
    producers are served in arrival order: a waiting producer's item enters the
    buffer as soon as there is room, before any later producer's. ``get`` waits
    for an item; after :meth:`close` the remaining items are still handed out,
    then every ``get`` returns a :class:`Closed` marker (carrying the error the
    stream ended with, if any). ``get`` is cancellation safe: a cancelled get
    takes nothing. A ``put`` cancelled after its item entered the buffer leaves
    the item there (it is never lost).

    Examples
    --------
    >>> async def demo() -> list[object]:
    ...     buffer: EventBuffer[str] = EventBuffer(2)
    ...     await buffer.put("a")
    ...     await buffer.put("b")
    ...     await buffer.close()
    ...     return [await buffer.get_ready(limit=10), await buffer.get()]
    >>> asyncio.run(demo())
    [['a', 'b'], Closed(error=None)]
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._items: collections.deque[T] = collections.deque()
        self._closed: Optional[Closed] = None
        # Consumers waiting for an item or the close; each is woken to look again.
        self._getters: collections.deque[asyncio.Future[None]] = collections.deque()
        # Producers waiting for room, in arrival order, each with its item.
        self._putters: collections.deque[tuple[asyncio.Future[bool], T]] = collections.deque()
        # Held by every take (and push_front): a take from another thread is never
        # interleaved with a loop-side one.
        self._take_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        return self._closed is not None

    @property
    def full(self) -> bool:
        return len(self._items) >= self._maxsize

    async def put(self, item: T) -> bool:
        """Append ``item``, waiting for room; ``False`` if the buffer was closed."""
        if self._closed is not None:
            return False
        if not self._putters and len(self._items) < self._maxsize:
            self._items.append(item)
            if self._getters:
                self._wake_getters()
            return True
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        entry = (waiter, item)
        self._putters.append(entry)
        try:
            return await waiter
        except asyncio.CancelledError:
            if not waiter.done() or waiter.cancelled():
                with contextlib.suppress(ValueError):
                    self._putters.remove(entry)
            raise

    @property
    def takes_now(self) -> bool:
        """Whether :meth:`put_nowait` would not wait: room and no producer queued
        (or closed: a put then drops the item, as :meth:`put` does)."""
        return self._closed is not None or (not self._putters and len(self._items) < self._maxsize)

    def put_nowait(self, item: T) -> bool:
        """:meth:`put` for when :attr:`takes_now` is true (one plain call, no coroutine):
        ``False`` if the buffer was closed."""
        if self._closed is not None:
            return False
        self._items.append(item)
        if self._getters:
            self._wake_getters()
        return True

    async def get(self, timeout: Optional[float] = None) -> Union[T, Closed, None]:
        """Next item, a :class:`Closed` marker, or ``None`` when ``timeout`` passed first."""
        if not self._items and self._closed is None and not await self._wait(timeout):
            return None
        return self.take_nowait()

    async def get_ready(
        self, timeout: Optional[float] = None, *, limit: int
    ) -> Union[list[T], Closed, None]:
        """Every item ready (at most ``limit``, waiting like :meth:`get` for the first):
        one hand-off for a whole backlog. A :class:`Closed` marker once closed and
        drained; ``None`` when ``timeout`` passed first."""
        self.admit()  # room another thread's take made and did not hand over yet
        if not self._items:
            if self._closed is not None:
                return self._closed
            if not await self._wait(timeout):
                return None
            if not self._items:
                return self._closed
        return self.take_ready(limit)

    def take_ready(self, limit: int) -> list[T]:
        """Every item ready now (at most ``limit``), without waiting: ``[]`` when none."""
        items = self._items
        with self._take_lock:
            if len(items) <= limit and not self._putters:
                batch = list(items)
                items.clear()
                return batch
            batch = []
            while items and len(batch) < limit:
                batch.append(items.popleft())
                if self._putters:
                    self._admit()
            return batch

    def take_ready_threadsafe(self, limit: int) -> tuple[list[T], bool]:
        """:meth:`take_ready` from another thread than the loop's: the items taken, and
        whether a producer waits for room (then run :meth:`admit` on the loop).

        A producer that starts waiting just as this takes is admitted by the next
        :meth:`get_ready` if not before, so a consumer that then waits is never stuck."""
        items = self._items
        with self._take_lock:
            # Pops only: the loop may append meanwhile (a copy-and-clear could lose that
            # item); under the lock nothing else takes, so these pops always find one.
            take = items.popleft
            batch = [take() for _ in range(min(len(items), limit))]
        return batch, bool(batch) and bool(self._putters)

    def admit(self) -> None:
        """Let waiting producers' items in while there is room (on the loop)."""
        if self._putters:
            self._admit()

    def take_nowait(self) -> Union[T, Closed, None]:
        """Next item or the :class:`Closed` marker without waiting (``None``: empty, open)."""
        with self._take_lock:
            if self._items:
                item = self._items.popleft()
                if self._putters:
                    self._admit()
                return item
        return self._closed

    async def push_front(self, item: T) -> None:
        """Give back an item a consumer took but could not deliver (may exceed ``maxsize``)."""
        with self._take_lock:
            self._items.appendleft(item)
        self._wake_getters()

    async def close(self, error: Optional[BaseException] = None) -> None:
        """No more puts; getters drain what is left, then see ``Closed(error)``."""
        if self._closed is None:
            self._closed = Closed(error)
        while self._putters:
            waiter, _ = self._putters.popleft()
            if not waiter.done():
                waiter.set_result(False)
        self._wake_getters()

    def _admit(self) -> None:
        """Move waiting producers' items in, oldest first, while there is room."""
        putters, items = self._putters, self._items
        admitted = False
        while putters and len(items) < self._maxsize:
            waiter, item = putters.popleft()
            if waiter.done():  # cancelled while waiting: its item never entered
                continue
            items.append(item)
            waiter.set_result(True)
            admitted = True
        if admitted and self._getters:
            self._wake_getters()

    def _wake_getters(self) -> None:
        getters = self._getters
        while getters:
            waiter = getters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    async def _wait(self, timeout: Optional[float]) -> bool:
        """Wait until an item is ready or the buffer closed; ``False`` when ``timeout`` passed."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while not self._items and self._closed is None:
            if deadline is not None and deadline <= loop.time():
                return False
            waiter: asyncio.Future[None] = loop.create_future()
            self._getters.append(waiter)
            timer = None if deadline is None else loop.call_at(deadline, _wake, waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled() and (self._items or self._closed):
                    self._wake_getters()  # this wake-up was for us: pass it on
                raise
            finally:
                if timer is not None:
                    timer.cancel()
                if self._getters:  # still queued after a timeout or a cancel
                    with contextlib.suppress(ValueError):
                        self._getters.remove(waiter)
        return True


def _wake(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_result(None)
