"""Tunable intervals and limits of a chat session.

The defaults follow what the service and AWS's own chat clients do (see the
project's service facts); tests and benchmarks shorten them.

Examples
--------
>>> from boto3_connectparticipant_ext.chat import ChatConfig
>>> ChatConfig().heartbeat_interval
10.0
>>> fast = ChatConfig(heartbeat_interval=0.2, reconnect_initial_delay=0.01)
>>> fast.reconnect_max_delay
30.0
>>> ChatConfig(max_buffered_events=0)
Traceback (most recent call last):
...
boto3_connectparticipant_ext.chat.errors.ChatConfigError: max_buffered_events must be >= 1, got 0
"""

from __future__ import annotations

import dataclasses
import math
from typing import Optional

from .errors import ChatArgumentError, ChatConfigError

#: The longest duration (seconds) any chat setting or timeout takes: one year. Larger
#: values are mistakes, and the OS limits on waits (``threading.TIMEOUT_MAX``, selector
#: timeouts) would turn them into OverflowError deep inside the session.
MAX_SECONDS = 365 * 24 * 3600.0


@dataclasses.dataclass(frozen=True)
class ChatConfig:
    """Intervals (seconds) and limits of a :class:`ChatSession` / :class:`AsyncChatSession`.

    Every duration must be a finite number of seconds, at most :data:`MAX_SECONDS`
    (one year); a wrong type is a ``ChatArgumentError``, a value out of range (NaN,
    infinity, negative) a ``ChatConfigError``, both raised here.

    Attributes
    ----------
    heartbeat_interval:
        A heartbeat frame is sent this often; one not echoed before the next is
        due means the socket is dead and the session reconnects.
    ping_interval:
        A deep ping (``aws/ping``) is sent this often; a failure or no answer
        before the next is due yields a ``DeepHeartbeatFailedEvent``.
    reconnect_initial_delay, reconnect_multiplier, reconnect_max_delay, reconnect_jitter:
        Reconnect backoff: the first wait is ``reconnect_initial_delay``, each
        next one ``reconnect_multiplier`` times longer, capped at
        ``reconnect_max_delay``, each randomised by +-``reconnect_jitter``.
        Losing a socket that had answered a heartbeat reconnects at once and
        resets the backoff; a socket lost before its first heartbeat echo waits
        the next delay first (no reconnect storm against a failing service).
    max_reconnect_attempts:
        Give up (the event stream raises ``ChatConnectionError``) after this many
        failed attempts in a row; ``None`` keeps trying as AWS's clients do.
    socket_max_age:
        Replace the socket (make-before-break) after this long; the service
        closes a socket after about an hour.
    socket_overlap:
        How long the old socket keeps being read after the new one is subscribed.
    token_refresh_margin:
        Refresh the ConnectionToken this long before its expiry (at most half
        its lifetime, so short-lived tokens are not refreshed in a loop).
    typing_interval:
        At most one typing event per this interval; extra calls are no-ops.
    typing_expiry:
        The other side's typing indicator lapses this long after their last typing
        event (``TypingEvent.expires_at``, then a ``typing.lapsed`` event); 12 s as
        AWS's chat widget; ``0`` turns the lapse events off.
    receipt_delay:
        A receipt waits this long before it is sent, so that a read can supersede
        a delivered receipt for the same message and repeats collapse into one.
    max_buffered_events:
        Events waiting for the consumer. When full the session stops reading the
        socket (backpressure): nothing is dropped; anything the service gives up
        on meanwhile is recovered from the transcript on reconnect.
    chunk_wait:
        How long a bot's delta-streamed message whose completed chunk arrived waits
        for a missing earlier chunk before it is delivered with ``complete=False``.
    open_timeout, subscribe_timeout:
        Limits for opening a socket and for the subscribe acknowledgement.
    api_workers:
        Threads that run botocore calls for the session.
    """

    heartbeat_interval: float = 10.0
    ping_interval: float = 10.0
    reconnect_initial_delay: float = 1.0
    reconnect_multiplier: float = 2.0
    reconnect_max_delay: float = 30.0
    reconnect_jitter: float = 0.3
    max_reconnect_attempts: Optional[int] = None
    socket_max_age: float = 3540.0
    socket_overlap: float = 1.0
    token_refresh_margin: float = 60.0
    typing_interval: float = 10.0
    typing_expiry: float = 12.0
    receipt_delay: float = 5.0
    max_buffered_events: int = 1000
    chunk_wait: float = 5.0
    open_timeout: float = 10.0
    subscribe_timeout: float = 10.0
    api_workers: int = 4

    def __post_init__(self) -> None:
        positive = (
            "heartbeat_interval",
            "ping_interval",
            "reconnect_multiplier",
            "socket_max_age",
            "open_timeout",
            "subscribe_timeout",
        )
        for name in positive:
            require_seconds(name, getattr(self, name), low=0.0, inclusive=False)
        not_negative = (
            "reconnect_initial_delay",
            "reconnect_max_delay",
            "socket_overlap",
            "token_refresh_margin",
            "typing_interval",
            "typing_expiry",
            "receipt_delay",
            "chunk_wait",
        )
        for name in not_negative:
            require_seconds(name, getattr(self, name), low=0.0, inclusive=True)
        if self.reconnect_multiplier < 1.0:
            raise ChatConfigError(
                f"reconnect_multiplier must be >= 1, got {self.reconnect_multiplier}"
            )
        require_seconds("reconnect_jitter", self.reconnect_jitter, low=0.0, inclusive=True)
        if not 0.0 <= self.reconnect_jitter < 1.0:
            raise ChatConfigError(
                f"reconnect_jitter must be in [0, 1), got {self.reconnect_jitter}"
            )
        for name in ("max_buffered_events", "api_workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ChatArgumentError(f"{name} must be an int, got {type(value).__name__}")
            if value < 1:
                raise ChatConfigError(f"{name} must be >= 1, got {value!r}")
        attempts = self.max_reconnect_attempts
        if attempts is not None and (isinstance(attempts, bool) or not isinstance(attempts, int)):
            raise ChatArgumentError(
                f"max_reconnect_attempts must be None or an int, got {type(attempts).__name__}"
            )
        if attempts is not None and attempts < 1:
            raise ChatConfigError(f"max_reconnect_attempts must be None or >= 1, got {attempts!r}")


def require_seconds(name: str, value: object, *, low: float = 0.0, inclusive: bool = True) -> None:
    """``value`` must be a real number of seconds, finite, in ``[low, MAX_SECONDS]``
    (``(low, MAX_SECONDS]`` when not ``inclusive``).

    Examples
    --------
    >>> require_seconds("wait", float("nan"))
    Traceback (most recent call last):
    ...
    boto3_connectparticipant_ext.chat.errors.ChatConfigError: wait must be a finite number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ChatArgumentError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ChatConfigError(f"{name} must be a finite number, got {value!r}")
    if value < low or (value == low and not inclusive):
        relation = ">=" if inclusive else ">"
        raise ChatConfigError(f"{name} must be {relation} {low:g}, got {value!r}")
    if value > MAX_SECONDS:
        raise ChatConfigError(f"{name} must be at most {MAX_SECONDS:g} seconds, got {value!r}")
