"""The chat connection's timing decisions, with no I/O and no sleeping (sans-I/O).

The caller passes its clock's reading in and reads back what to do and when
to look again, so the asyncio driver (``_stream``, ``async_session``) and any
other driver share one set of rules, and tests need no socket and no real
time:

* :class:`Keepalive`: one socket's heartbeat and deep-ping schedule, and the
  decision that a missed heartbeat loses the socket (not while the consumer's
  full buffer stalls the reader: that is backpressure, not a dead peer).
* :func:`token_refresh_due`: when a ConnectionToken should be replaced.
* :func:`socket_refresh_due`: when a socket should be replaced (make-before-break).
* :class:`Reconnect`: how long to wait before each reconnect attempt, and when to give up.

Examples
--------
>>> keepalive = Keepalive(heartbeat_interval=10, ping_interval=30, now=0.0)
>>> keepalive.deadline()
10.0
>>> keepalive.on_time(10.0, stalled=False)
['send-heartbeat']
>>> keepalive.on_time(20.0, stalled=False)
['lost']
"""

from __future__ import annotations

from typing import Optional

from ._backoff import Backoff
from .state import parse_timestamp

#: Send the heartbeat frame now.
SEND_HEARTBEAT = "send-heartbeat"
#: Send the deep-ping frame now.
SEND_PING = "send-ping"
#: The previous deep ping was never answered (report it; the socket stays).
PING_UNANSWERED = "ping-unanswered"
#: The previous heartbeat was never answered: the socket is dead.
LOST = "lost"


class Keepalive:
    """Heartbeat and deep-ping timing of one socket.

    Feed it :meth:`on_time` at :meth:`deadline` (or later), and the echoes with
    :meth:`heartbeat_received` / :meth:`ping_received`; it answers with actions
    (``SEND_HEARTBEAT``, ``SEND_PING``, ``PING_UNANSWERED``, ``LOST``).
    """

    def __init__(self, *, heartbeat_interval: float, ping_interval: float, now: float) -> None:
        self._heartbeat_interval = heartbeat_interval
        self._ping_interval = ping_interval
        self.heartbeat_answered = True
        self.heartbeat_outstanding = False
        self.ping_outstanding = False
        #: A heartbeat echo has come back at least once on this socket.
        self.healthy = False
        self.restart(now)

    def restart(self, now: float) -> None:
        """Start the timers at ``now`` (when the socket is subscribed and in use)."""
        self._next_heartbeat = now + self._heartbeat_interval
        self._next_ping = now + self._ping_interval

    def deadline(self) -> float:
        """The clock reading at which :meth:`on_time` has something to do."""
        return min(self._next_heartbeat, self._next_ping)

    def on_time(self, now: float, *, stalled: bool) -> list[str]:
        """What to do at ``now``. ``stalled``: the reader could not see an echo
        (it waits for room in the consumer's buffer), so a missing one is no loss."""
        actions: list[str] = []
        if now >= self._next_heartbeat:
            if self.heartbeat_outstanding and not self.heartbeat_answered and not stalled:
                return [LOST]
            self.heartbeat_answered = False
            self.heartbeat_outstanding = True
            actions.append(SEND_HEARTBEAT)
            self._next_heartbeat = now + self._heartbeat_interval
        if now >= self._next_ping:
            if self.ping_outstanding:
                actions.append(PING_UNANSWERED)
            self.ping_outstanding = True
            actions.append(SEND_PING)
            self._next_ping = now + self._ping_interval
        return actions

    def heartbeat_received(self) -> bool:
        """Note an echo; ``True`` the first time (the socket is proven healthy)."""
        self.heartbeat_answered = True
        first = not self.healthy
        self.healthy = True
        return first

    def ping_received(self) -> None:
        self.ping_outstanding = False


def token_refresh_due(
    expiry: Optional[str], *, obtained_at: float, margin: float
) -> Optional[float]:
    """Epoch seconds when a ConnectionToken expiring at ``expiry`` (the service's
    timestamp text) should be replaced; ``None``: never (no or unreadable expiry).

    Never more than half the token's lifetime early, or a short-lived token
    would refresh in a loop.

    Examples
    --------
    >>> token_refresh_due("1970-01-01T01:00:00Z", obtained_at=0.0, margin=600)
    3000.0
    >>> token_refresh_due("1970-01-01T00:10:00Z", obtained_at=0.0, margin=600)
    300.0
    """
    if expiry is None:
        return None
    expires = parse_timestamp(expiry)
    if expires is None:
        return None
    return expires - min(margin, max(0.0, expires - obtained_at) / 2)


def socket_refresh_due(
    opened_at: float, *, max_age: float, retry_at: Optional[float] = None
) -> float:
    """When a socket opened at ``opened_at`` should be replaced: at ``max_age``,
    or not before ``retry_at`` after a failed replacement.

    Examples
    --------
    >>> socket_refresh_due(100.0, max_age=50.0)
    150.0
    >>> socket_refresh_due(100.0, max_age=50.0, retry_at=160.0)
    160.0
    """
    due = opened_at + max_age
    return due if retry_at is None else max(due, retry_at)


class Reconnect:
    """One reconnect run after a lost socket: the waits, and when to give up.

    A socket that never answered a heartbeat was not healthy: the first attempt
    waits too, so a socket the service drops at once does not reconnect in a
    tight loop. ``backoff`` is shared across runs (reset by a healthy socket).

    Examples
    --------
    >>> backoff = Backoff(initial=1.0, multiplier=2.0, cap=30.0, jitter=0.0)
    >>> run = Reconnect(backoff, max_attempts=2, was_healthy=True)
    >>> run.first_delay(), run.start_attempt(), run.failed(), run.start_attempt(), run.failed()
    (None, 1, 1.0, 2, None)
    """

    def __init__(self, backoff: Backoff, *, max_attempts: Optional[int], was_healthy: bool) -> None:
        self._backoff = backoff
        self._max_attempts = max_attempts
        self._was_healthy = was_healthy
        self.attempts = 0

    def first_delay(self) -> Optional[float]:
        """The wait before the first attempt (``None``: go at once)."""
        return None if self._was_healthy else self._backoff.next_delay()

    def start_attempt(self) -> int:
        """Count an attempt; return its number (from 1)."""
        self.attempts += 1
        return self.attempts

    def failed(self) -> Optional[float]:
        """The wait before the next attempt, or ``None``: the attempts have run out."""
        if self._max_attempts is not None and self.attempts >= self._max_attempts:
            return None
        return self._backoff.next_delay()


def refresh_retry_backoff(cap: float) -> Backoff:
    """The waits between failed ConnectionToken refreshes: 1, 2, 4 ... seconds up to
    ``cap`` (and never above 512), without jitter."""
    return Backoff(initial=1.0, multiplier=2.0, cap=min(cap, 512.0), jitter=0.0)


__all__ = [
    "LOST",
    "PING_UNANSWERED",
    "SEND_HEARTBEAT",
    "SEND_PING",
    "Keepalive",
    "Reconnect",
    "refresh_retry_backoff",
    "socket_refresh_due",
    "token_refresh_due",
]
