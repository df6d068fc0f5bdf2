"""Reply latencies of a conversation: from the customer's last message to the matched reply.

One :class:`LatencyStats` per conversation (or shared by many, as a load tester does).

Examples
--------
>>> stats = LatencyStats()
>>> for seconds in (0.2, 0.4, 0.9):
...     _ = stats.add("a message from AGENT", seconds)
>>> stats.count, round(stats.mean, 3), stats.percentile(50), stats.max
(3, 0.5, 0.4, 0.9)
>>> stats.summary()
{'count': 3, 'min': 0.2, 'mean': 0.5, 'p50': 0.4, 'p95': 0.9, 'max': 0.9}
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Iterator
from typing import Optional


@dataclasses.dataclass(frozen=True)
class LatencySample:
    """One measured reply: what was expected and how long it took, in seconds."""

    expected: str
    seconds: float


class LatencyStats:
    """Latency samples with their summary statistics (thread-safe)."""

    def __init__(self) -> None:
        self._samples: list[LatencySample] = []
        self._lock = threading.Lock()

    def add(self, expected: str, seconds: float) -> LatencySample:
        sample = LatencySample(expected, max(0.0, float(seconds)))
        with self._lock:
            self._samples.append(sample)
        return sample

    @property
    def samples(self) -> list[LatencySample]:
        with self._lock:
            return list(self._samples)

    def __iter__(self) -> Iterator[LatencySample]:
        return iter(self.samples)

    def __len__(self) -> int:
        return len(self._samples)

    @property
    def count(self) -> int:
        return len(self._samples)

    def _seconds(self) -> list[float]:
        return sorted(sample.seconds for sample in self.samples)

    @property
    def mean(self) -> Optional[float]:
        values = self._seconds()
        return sum(values) / len(values) if values else None

    @property
    def max(self) -> Optional[float]:
        values = self._seconds()
        return values[-1] if values else None

    @property
    def min(self) -> Optional[float]:
        values = self._seconds()
        return values[0] if values else None

    def percentile(self, percent: float) -> Optional[float]:
        """The nearest-rank percentile (``None`` without samples)."""
        values = self._seconds()
        if not values:
            return None
        rank = max(1, math.ceil(percent / 100 * len(values)))
        return values[min(rank, len(values)) - 1]

    def summary(self) -> dict[str, Optional[float]]:
        """``count``, ``min``, ``mean``, ``p50``, ``p95``, ``max`` (for reports)."""
        mean = self.mean
        return {
            "count": self.count,
            "min": self.min,
            "mean": None if mean is None else round(mean, 6),
            "p50": self.percentile(50),
            "p95": self.percentile(95),
            "max": self.max,
        }

    def __repr__(self) -> str:
        return f"LatencyStats({self.summary()})"
