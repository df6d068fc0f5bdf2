"""The emulator's clock: real time plus an offset that tests can advance.

Every time-based behaviour of the emulator reads :class:`EmulatorClock`
(token and URL expiry, contact lifetime, socket age and idle time, the
``AbsoluteTime`` of items) and every timer runs on :class:`ClockTimers`, so
``Emulator.advance_clock(seconds)`` makes an hour pass at once: whatever falls
due fires right away, in deadline order. Time never goes backwards.

Examples
--------
>>> clock = EmulatorClock(time_source=lambda: 1000.0)
>>> clock.advance(60)
>>> clock.now(), clock.offset
(1060.0, 60.0)
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Optional

from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError

AdvanceListener = Callable[[], None]
_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator")


class EmulatorClock:
    """Real time (``time_source``) plus the seconds :meth:`advance` added."""

    def __init__(self, *, time_source: Callable[[], float] = time.time) -> None:
        self._source = time_source
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[AdvanceListener] = []

    def now(self) -> float:
        """The emulator's time, in epoch seconds."""
        return self._source() + self._offset

    __call__ = now

    @property
    def offset(self) -> float:
        """Seconds added by :meth:`advance` so far."""
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward and tell every listener (timers fire)."""
        if (
            not isinstance(seconds, (int, float))
            or isinstance(seconds, bool)
            or math.isnan(seconds)
            or math.isinf(seconds)
            or seconds < 0
        ):
            raise EmulatorConfigError(
                f"seconds must be a finite number of at least 0, got {seconds!r}"
            )
        with self._lock:
            self._offset += float(seconds)
        for listener in list(self._listeners):
            listener()

    def add_listener(self, listener: AdvanceListener) -> None:
        self._listeners.append(listener)


@dataclasses.dataclass(eq=False)
class Timer:
    """One pending action; :meth:`cancel` forgets it."""

    deadline: float
    action: Callable[[], None]
    order: int
    handle: Optional[asyncio.TimerHandle] = None
    done: bool = False

    def cancel(self) -> None:
        self.done = True
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class ClockTimers:
    """Timers on an event loop, due at a time of an :class:`EmulatorClock`.

    Used only from the loop's thread. An advance of the clock re-arms every
    pending timer; those now due run at once, earliest deadline first.
    """

    def __init__(self, clock: EmulatorClock, loop: asyncio.AbstractEventLoop) -> None:
        self._clock = clock
        self._loop = loop
        self._pending: set[Timer] = set()
        self._order = itertools.count()
        clock.add_listener(self._on_advance)

    def at(self, deadline: float, action: Callable[[], None]) -> Timer:
        """Run ``action`` once the clock reaches ``deadline``."""
        timer = Timer(deadline, action, next(self._order))
        self._pending.add(timer)
        self._arm(timer)
        return timer

    def after(self, delay: float, action: Callable[[], None]) -> Timer:
        """Run ``action`` ``delay`` seconds from now (emulator time)."""
        return self.at(self._clock.now() + delay, action)

    def cancel_all(self) -> None:
        for timer in list(self._pending):
            timer.cancel()
        self._pending.clear()

    def _arm(self, timer: Timer) -> None:
        if timer.handle is not None:
            timer.handle.cancel()
        delay = max(0.0, timer.deadline - self._clock.now())
        timer.handle = self._loop.call_later(delay, self._fire, timer)

    def _fire(self, timer: Timer) -> None:
        if timer.done:
            return
        if timer.deadline > self._clock.now():
            self._arm(timer)  # the loop's clock ran a little ahead of ours
            return
        timer.done = True
        timer.handle = None
        self._pending.discard(timer)
        try:
            timer.action()
        except Exception as error:  # one failing action must not stop the others
            _LOG.error("emulator timer failed: %s", type(error).__name__)

    def _on_advance(self) -> None:
        self._pending = {timer for timer in self._pending if not timer.done}
        now = self._clock.now()
        due = sorted(
            (timer for timer in self._pending if timer.deadline <= now),
            key=lambda timer: (timer.deadline, timer.order),
        )
        for timer in due:
            self._fire(timer)
        for timer in list(self._pending):
            if not timer.done:
                self._arm(timer)
