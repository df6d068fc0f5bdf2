"""A token bucket that paces StartChatContact, so a load test stays under the account's quota.

Amazon Connect throttles its API per account and Region: the default rate of the Connect
API is 2 requests per second with a burst of 5 (the "Amazon Connect service quotas" page;
StartChatContact is listed there, adjustable). A load test shares that budget with
production traffic, so the default here is well under it: 1 chat start per second per
process, a burst of 2. The rate is per process (each Locust worker has its own bucket):
with N workers the account sees at most N times the rate. Raise it only after raising the
quota. Waiting sleeps with ``time.sleep``, which gevent makes cooperative under Locust.

Examples
--------
>>> now = [0.0]
>>> bucket = TokenBucket(rate=2.0, burst=2, clock=lambda: now[0], sleep=lambda s: None)
>>> bucket.take(), bucket.take(), bucket.take()
(0.0, 0.0, 0.5)
>>> bucket.try_take()
False
>>> now[0] = 10.0
>>> bucket.try_take()
True
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from .errors import LoadTestArgumentError

DEFAULT_START_RATE = 1.0
"""Chat starts per second per process (see the module notes)."""
DEFAULT_START_BURST = 2


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; :meth:`take` waits for one."""

    def __init__(
        self,
        *,
        rate: float = DEFAULT_START_RATE,
        burst: int = DEFAULT_START_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise LoadTestArgumentError("rate must be a number of starts per second")
        if not math.isfinite(rate) or rate <= 0:
            raise LoadTestArgumentError("rate must be a finite number above 0")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise LoadTestArgumentError("burst must be an integer of at least 1")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Take a token now or reserve the next one; return how long to wait for it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def take(self) -> float:
        """Wait for a token; return the seconds waited."""
        wait = self._reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def try_take(self) -> bool:
        """Take a token if one is there now (never waits)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True
