"""Reconnect delays: a counter over the package's one backoff formula (``_backoff``)."""

from __future__ import annotations

import random
from typing import Callable, Optional

from .._backoff import Backoff as BackoffFormula


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
        self._formula = BackoffFormula(base=initial, factor=multiplier, cap=cap, jitter=jitter)
        self._uniform = uniform if uniform is not None else random.uniform
        self._attempt = 0

    @property
    def attempts(self) -> int:
        """Delays handed out since the last :meth:`reset`."""
        return self._attempt

    def next_delay(self) -> float:
        self._attempt += 1
        return self._formula.delay(self._attempt, self._uniform)

    def reset(self) -> None:
        self._attempt = 0
