"""The bounded, ordered event buffer between the session engine and its consumer."""

from __future__ import annotations

import asyncio
import collections
from typing import Generic, Optional, TypeVar, Union

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
    producers are served in arrival order. ``get`` waits for an item; after
    :meth:`close` the remaining items are still handed out, then every ``get``
    returns a :class:`Closed` marker (carrying the error the stream ended with,
    if any). ``get`` is cancellation safe: a cancelled get takes nothing.
    """

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._items: collections.deque[T] = collections.deque()
        self._closed: Optional[Closed] = None
        self._changed = asyncio.Condition()
        self._put_lock = asyncio.Lock()

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
        async with self._put_lock, self._changed:
            await self._changed.wait_for(lambda: self._closed is not None or not self.full)
            if self._closed is not None:
                return False
            self._items.append(item)
            self._changed.notify_all()
            return True

    async def get(self, timeout: Optional[float] = None) -> Union[T, Closed, None]:
        """Next item, a :class:`Closed` marker, or ``None`` when ``timeout`` passed first."""
        async with self._changed:

            def ready() -> bool:
                return bool(self._items) or self._closed is not None

            if not ready():
                if timeout is None:
                    await self._changed.wait_for(ready)
                else:
                    try:
                        await asyncio.wait_for(self._changed.wait_for(ready), timeout)
                    except asyncio.TimeoutError:
                        return None
            got = self.take_nowait()
            self._changed.notify_all()
            return got

    async def get_ready(
        self, timeout: Optional[float] = None, *, limit: int
    ) -> Union[list[T], Closed, None]:
        """Every item ready (at most ``limit``, waiting like :meth:`get` for the first):
        one hand-off for a whole backlog. A :class:`Closed` marker once closed and
        drained; ``None`` when ``timeout`` passed first."""
        first = await self.get(timeout)
        if first is None or isinstance(first, Closed):
            return first
        batch = [first]
        while self._items and len(batch) < limit:
            batch.append(self._items.popleft())
        if len(batch) > 1:
            async with self._changed:
                self._changed.notify_all()
        return batch

    def take_nowait(self) -> Union[T, Closed, None]:
        """Next item or the :class:`Closed` marker without waiting (``None``: empty, open).

        Producers waiting for room are woken by the next ``get``/``put``/``close``.
        """
        if self._items:
            return self._items.popleft()
        return self._closed

    async def push_front(self, item: T) -> None:
        """Give back an item a consumer took but could not deliver (may exceed ``maxsize``)."""
        async with self._changed:
            self._items.appendleft(item)
            self._changed.notify_all()

    async def close(self, error: Optional[BaseException] = None) -> None:
        """No more puts; getters drain what is left, then see ``Closed(error)``."""
        async with self._changed:
            if self._closed is None:
                self._closed = Closed(error)
            self._changed.notify_all()
