"""A small progress bar for ``cpx`` on stderr, drawn only when stderr is a terminal.

Hand-written so the CLI needs no extra dependency. It is thread-safe because transfer callbacks
may come from worker threads, and it redraws at most ten times a second so a fast transfer does
not spend its time painting the terminal.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable, TextIO

_REDRAW_INTERVAL = 0.1
_BAR_WIDTH = 24
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def format_bytes(amount: float) -> str:
    """Return ``amount`` bytes in a short human unit.

    Examples
    --------
    >>> format_bytes(512)
    '512 B'
    >>> format_bytes(1536)
    '1.5 KiB'
    """
    value = float(amount)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _plain_count(amount: float) -> str:
    return f"{int(amount):,}"


class ProgressBar:
    """Progress of one job, drawn on one terminal line that is rewritten in place.

    ``total=None`` draws a counter instead of a bar (a transcript's length is not known in
    advance). ``delay`` hides the bar for jobs that finish quickly. When ``stream`` is not a
    terminal (a pipe, a file, CI logs) nothing is drawn at all.

    Examples
    --------
    >>> bar = ProgressBar(label="upload report.pdf", total=2048, unit="bytes")
    >>> bar.update(1024)
    >>> bar.update(1024)
    >>> bar.close()
    """

    def __init__(
        self,
        *,
        label: str,
        total: int | None,
        unit: str = "bytes",
        stream: TextIO | None = None,
        enabled: bool | None = None,
        delay: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = _is_terminal(self._stream) if enabled is None else enabled
        self._label = label
        self._total = total
        self._format = format_bytes if unit == "bytes" else _plain_count
        self._unit_suffix = "" if unit == "bytes" else f" {unit}"
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._show_after = self._started + delay
        self._last_draw = float("-inf")
        self._done = 0
        self._drawn_width = 0
        self._closed = False

    @property
    def done(self) -> int:
        """Return the amount reported so far."""
        return self._done

    def update(self, amount: int) -> None:
        """Add ``amount`` (negative when a retry rewinds) and redraw when due."""
        with self._lock:
            self._done = max(0, self._done + amount)
            now = self._clock()
            if (
                self._enabled
                and now >= self._show_after
                and now - self._last_draw >= _REDRAW_INTERVAL
            ):
                self._draw(now)

    def close(self, *, success: bool = True) -> None:
        """Draw the final state (when the bar was shown) and end the line."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._enabled or self._drawn_width == 0:
                return
            if success:
                self._draw(self._clock())
            self._stream.write("\n")
            self._stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        self.close(success=exc_type is None)

    def _render(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-9)
        rate = self._done / elapsed
        done_text = self._format(self._done) + self._unit_suffix
        rate_text = f"{self._format(rate)}{self._unit_suffix}/s"
        if self._total is None or self._total <= 0:
            return f"{self._label}  {done_text}  {rate_text}"
        fraction = min(self._done / self._total, 1.0)
        filled = int(fraction * _BAR_WIDTH)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        total_text = self._format(self._total) + self._unit_suffix
        return f"{self._label} [{bar}] {fraction:4.0%}  {done_text} / {total_text}  {rate_text}"

    def _draw(self, now: float) -> None:
        line = self._render(now)
        # Pad with spaces so a shorter line fully covers the previous one.
        padding = " " * max(0, self._drawn_width - len(line))
        self._stream.write("\r" + line + padding)
        self._stream.flush()
        self._drawn_width = len(line)
        self._last_draw = now


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
