"""The package's one backoff formula: exponential, capped, with optional jitter.

``Backoff`` is immutable and does no I/O: :meth:`Backoff.delay` maps an attempt number
(1 = the first retry) and a random source to seconds, so it is deterministic under a seeded
``random.Random``. Callers keep their own attempt counters and do their own sleeping.

Two jitter shapes are in use: ``jitter`` scales the capped delay by a factor drawn from
``[1 - jitter, 1 + jitter]`` (reconnects; the result never exceeds ``cap``), and
``full_jitter`` draws the delay from ``[0, capped delay]`` (attachment transfers, the AWS
"full jitter" of the architecture blog).
"""

from __future__ import annotations

import dataclasses
import math
import random as _random
from typing import Callable, Optional, Protocol, Union


class UniformSource(Protocol):
    """What :meth:`Backoff.delay` needs of a random source (``random`` or ``random.Random``)."""

    def uniform(self, a: float, b: float) -> float: ...


#: A random source: an object with ``uniform(a, b)``, or such a function itself.
RandomSource = Union[UniformSource, Callable[[float, float], float]]


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Delays of ``base * factor ** (attempt - 1)``, capped at ``cap``, then jittered.

    Examples
    --------
    >>> backoff = Backoff(base=1.0, factor=2.0, cap=30.0)
    >>> [backoff.delay(attempt) for attempt in range(1, 8)]
    [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    >>> import random
    >>> jittered = Backoff(base=1.0, cap=30.0, jitter=0.5)
    >>> 0.5 <= jittered.delay(1, random.Random(7)) <= 1.5
    True
    >>> Backoff(base=0.5, cap=4.0, full_jitter=True).delay(3, random.Random(1)) <= 2.0
    True
    """

    base: float
    factor: float = 2.0
    cap: float = math.inf
    jitter: float = 0.0
    full_jitter: bool = False

    def __post_init__(self) -> None:
        if not (self.base >= 0 and self.factor >= 1 and self.cap >= 0):
            raise ValueError("Backoff needs base >= 0, factor >= 1 and cap >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("Backoff jitter must be between 0 and 1")

    def ceiling(self, attempt: int) -> float:
        """The capped delay before jitter for ``attempt`` (1 = the first retry)."""
        exponent = max(0, attempt - 1)
        try:
            grown = self.base * self.factor**exponent
        except OverflowError:  # huge attempt numbers: far past any cap
            grown = math.inf
        return float(min(self.cap, grown))

    def delay(self, attempt: int, random: Optional[RandomSource] = None) -> float:
        """Seconds to wait before retry number ``attempt``.

        ``random`` is ``random.Random``-like or a ``uniform(a, b)`` function; default: the
        ``random`` module (looked up at each call, so ``random.seed`` applies).
        """
        ceiling = self.ceiling(attempt)
        if not (self.full_jitter or self.jitter) or ceiling <= 0:
            return max(0.0, min(self.cap, ceiling))
        source = random if random is not None else _random
        uniform: Callable[[float, float], float] = getattr(source, "uniform", source)  # type: ignore[arg-type]
        if self.full_jitter:
            return uniform(0.0, ceiling)
        ceiling *= uniform(1.0 - self.jitter, 1.0 + self.jitter)
        return max(0.0, min(self.cap, ceiling))
