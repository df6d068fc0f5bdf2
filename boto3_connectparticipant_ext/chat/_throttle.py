"""Typing and receipt throttles: pure bookkeeping, no I/O, clock injected."""

from __future__ import annotations

import collections
import threading
from typing import Any, Callable, Optional

READ = "read"
DELIVERED = "delivered"
_STRENGTH = {DELIVERED: 1, READ: 2}


class TypingThrottle:
    """Allow one typing event per ``interval`` seconds.

    Examples
    --------
    >>> now = [100.0]
    >>> throttle = TypingThrottle(interval=10.0, clock=lambda: now[0])
    >>> throttle.try_acquire(), throttle.try_acquire()
    (True, False)
    >>> now[0] += 10.0; throttle.try_acquire()
    True
    """

    def __init__(self, *, interval: float, clock: Callable[[], float]) -> None:
        self._interval = interval
        self._clock = clock
        self._last: Optional[float] = None
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self._interval:
                return False
            self._last = now
            return True

    @property
    def last_sent(self) -> Optional[float]:
        """Clock time of the last acquisition (``None``: never)."""
        return self._last

    def restore(self, last_sent: float) -> None:
        """Continue the throttle of another process (saved session state)."""
        with self._lock:
            self._last = last_sent

    def release(self) -> None:
        """Give back the last acquisition (its send failed), so the next call may send."""
        with self._lock:
            self._last = None


class ReceiptBook:
    """Which receipts are pending or sent, per message.

    Rules: one receipt of each kind per message; a read supersedes a pending
    delivered and makes any later delivered pointless; nothing for one's own
    messages; nothing once the chat ended. Memory is bounded: the oldest
    ``capacity`` decisions are forgotten first.

    Examples
    --------
    >>> book = ReceiptBook()
    >>> book.request("m1", DELIVERED), book.request("m1", READ), book.request("m1", DELIVERED)
    (True, True, False)
    >>> book.take("m1"), book.request("m1", DELIVERED)
    ('read', False)
    >>> book.mark_own("m2"); book.request("m2", READ)
    False
    """

    def __init__(self, *, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._sent: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._pending: dict[str, str] = {}
        self._own: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._ended = False
        self._lock = threading.Lock()

    def mark_own(self, message_id: str) -> None:
        with self._lock:
            self._own[message_id] = None
            _trim(self._own, self._capacity)

    def is_own(self, message_id: str) -> bool:
        # One dict lookup is atomic: no lock (this runs for every item of a busy chat).
        return message_id in self._own

    def own_ids(self) -> list[str]:
        with self._lock:
            return list(self._own)

    def mark_ended(self) -> None:
        with self._lock:
            self._ended = True
            self._pending.clear()

    def request(self, message_id: str, kind: str) -> bool:
        """Record a wish to send ``kind`` for ``message_id``; ``False`` when it is a no-op."""
        with self._lock:
            if self._ended or message_id in self._own:
                return False
            strength = _STRENGTH[kind]
            sent = self._sent.get(message_id)
            if sent is not None and _STRENGTH[sent] >= strength:
                return False
            pending = self._pending.get(message_id)
            if pending is not None and _STRENGTH[pending] >= strength:
                return False
            self._pending[message_id] = kind
            return True

    def pending_ids(self) -> list[str]:
        with self._lock:
            return list(self._pending)

    def take(self, message_id: str) -> Optional[str]:
        """Claim the pending receipt of ``message_id`` for sending (``None`` if nothing is due)."""
        with self._lock:
            kind = self._pending.pop(message_id, None)
            if kind is None or self._ended:
                return None
            self._sent[message_id] = kind
            self._sent.move_to_end(message_id)
            _trim(self._sent, self._capacity)
            return kind

    def give_back(self, message_id: str, kind: str) -> None:
        """A claimed receipt could not be sent: forget that it was sent."""
        with self._lock:
            if self._sent.get(message_id) == kind:
                del self._sent[message_id]

    def sent_items(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._sent.items())

    def restore_sent(self, items: list[tuple[str, str]]) -> None:
        with self._lock:
            for message_id, kind in items:
                if kind in _STRENGTH:
                    self._sent[message_id] = kind
            _trim(self._sent, self._capacity)


def _trim(ordered: collections.OrderedDict[str, Any], capacity: int) -> None:
    while len(ordered) > capacity:
        ordered.popitem(last=False)
