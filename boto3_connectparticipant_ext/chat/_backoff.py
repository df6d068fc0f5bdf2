"""Reconnect delays: exponential, capped, with jitter."""

from __future__ import annotations

import random
from typing import Callable, Optional


class Backoff:
    """Yield reconnect delays: ``initial`` doubling (``multiplier``) up to ``cap``, each
    scaled by a random factor in ``[1 - jitter, 1 + jitter]`` and never above ``cap``.

    Examples
    --------
    >>> backoff = Backoff(initial=1.0, multiplier=2.0, cap=30.0, jitter=0.0)
    >>> [backoff.next_delay() for _ in range(7)]
    [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    >>> backoff.reset(); backoff.next_delay()
    1.0
    """

    def __init__(
        self,
        *,
        initial: float,
        multiplier: float,
        cap: float,
        jitter: float,
        uniform: Optional[Callable[[float, float], float]] = None,
    ) -> None:
        self._initial = initial
        self._multiplier = multiplier
        self._cap = cap
        self._jitter = jitter
        self._uniform = uniform if uniform is not None else random.uniform
        self._attempt = 0

    @property
    def attempts(self) -> int:
        """Delays handed out since the last :meth:`reset`."""
        return self._attempt

    def next_delay(self) -> float:
        base = min(self._cap, self._initial * self._multiplier**self._attempt)
        self._attempt += 1
        factor = self._uniform(1.0 - self._jitter, 1.0 + self._jitter) if self._jitter else 1.0
        return max(0.0, min(self._cap, base * factor))

    def reset(self) -> None:
        self._attempt = 0
