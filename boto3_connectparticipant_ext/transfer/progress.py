"""Progress reporting: ``Callback(bytes_amount)`` as boto3's S3 helpers use it.

A ``Callback`` receives the number of bytes transferred since its last call.
When an attempt fails and the transfer starts over, it receives a *negative*
amount that winds the total back, so a running sum always equals the bytes of
the attempt under way. Callbacks may be called from other threads.

Examples
--------
>>> import io
>>> bar = ProgressBar(total=1000, label="upload", stream=io.StringIO(), width=10)
>>> bar(500); bar(-500); bar(1000)
>>> bar.transferred
1000
"""

from __future__ import annotations

import sys
import threading
from typing import Callable, Optional, TextIO

ProgressCallback = Callable[[int], object]


class ProgressTracker:
    """Feeds a caller's ``Callback`` and winds it back when an attempt is retried."""

    def __init__(self, callback: Optional[ProgressCallback]) -> None:
        self._callback = callback
        self._attempt_bytes = 0

    @property
    def attempt_bytes(self) -> int:
        return self._attempt_bytes

    def advance(self, amount: int) -> None:
        if amount <= 0:
            return
        self._attempt_bytes += amount
        if self._callback is not None:
            self._callback(amount)

    def rewind(self) -> None:
        """Report the current attempt's bytes as undone (a negative amount)."""
        sent, self._attempt_bytes = self._attempt_bytes, 0
        if sent and self._callback is not None:
            self._callback(-sent)


class ProgressBar:
    """A thread-safe text progress bar usable as a transfer ``Callback``.

    Parameters
    ----------
    total
        Bytes expected.
    label
        Text printed before the bar.
    stream
        Where to draw (default ``sys.stderr``).
    width
        Characters of the bar itself.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar(total=4, label="file.pdf", stream=out, width=4)
    >>> bar(4)
    >>> bar.close()
    >>> out.getvalue().splitlines()[-1].strip()
    'file.pdf [####] 100%     4 B/4 B'
    """

    def __init__(
        self, *, total: int, label: str = "", stream: Optional[TextIO] = None, width: int = 30
    ) -> None:
        self._total = max(int(total), 0)
        self._label = label
        self._stream = stream if stream is not None else sys.stderr
        self._width = max(int(width), 1)
        self._lock = threading.Lock()
        self._transferred = 0
        self._drawn_percent = -1

    @property
    def transferred(self) -> int:
        with self._lock:
            return self._transferred

    def __call__(self, bytes_amount: int) -> None:
        with self._lock:
            self._transferred += bytes_amount
            percent = self._percent()
            if percent != self._drawn_percent:
                self._drawn_percent = percent
                self._draw(percent)

    def close(self) -> None:
        """End the bar's line."""
        with self._lock:
            self._draw(self._percent())
            self._stream.write("\n")
            self._stream.flush()

    def _percent(self) -> int:
        if not self._total:
            return 100
        return max(0, min(100, self._transferred * 100 // self._total))

    def _draw(self, percent: int) -> None:
        filled = self._width * percent // 100
        bar = "#" * filled + "-" * (self._width - filled)
        line = (
            f"\r{self._label} [{bar}] {percent:3d}% "
            f"{_human(self._transferred):>7}/{_human(self._total)}"
        )
        self._stream.write(line)
        self._stream.flush()


def _human(amount: int) -> str:
    value = float(amount)
    for unit in ("B", "KiB", "MiB"):
        if abs(value) < 1024 or unit == "MiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
