"""The progress display behind ``transfer.ProgressBar`` and ``cpx``: rich when installed.

With the ``cli`` extra (``rich``) a job is drawn by ``rich.progress``: label, bar, percent,
bytes done / total and speed (rich's decimal units: kB, MB), time left (elapsed time when the
total is unknown), refreshed at most ten times a second by rich's own thread, and left as one
clean final line.

Control characters in a label (a hostile file name) are shown as ``?`` so they cannot drive
the terminal. Without ``rich`` a minimal plain line (label, percent, amounts in binary units) is
rewritten in place instead of raising: progress is an optional nicety of the core transfer API,
and an upload must not fail because a renderer is missing.

Either way nothing at all is drawn unless the stream is a terminal (checked with ``isatty`` on
the stream itself, so a pipe, a file or CI logs stay clean even when ``FORCE_COLOR`` is set), or
unless a caller passes a rich ``Console`` (then its ``is_terminal`` decides) or ``enabled=True``.
Amounts may be negative (a retry winds back); the count never drops below zero, and a wind-back
restarts the speed estimate. Updates may come from any thread.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable, Optional, TextIO

_REDRAW_INTERVAL = 0.1
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def format_bytes(amount: float) -> str:
    """Return ``amount`` bytes in a short binary unit.

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
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def rich_available() -> bool:
    """Return whether ``rich`` (the ``cli`` extra) can be imported."""
    try:
        import rich.progress  # noqa: F401
    except ImportError:
        return False
    return True


class Display:
    """One job's progress line; see the module docstring for what is drawn where."""

    def __init__(
        self,
        *,
        label: str,
        total: Optional[int],
        unit: str = "bytes",
        stream: Optional[TextIO] = None,
        console: Any = None,
        enabled: Optional[bool] = None,
        delay: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        bar_width: Optional[int] = 24,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = console.is_terminal if console is not None else _is_terminal(self._stream)
        self._enabled = bool(enabled)
        self._label = label
        self._total = total if total is not None and total > 0 else None
        self._unit = unit
        self._clock = clock
        self._show_after = clock() + delay
        self._lock = threading.Lock()
        self._done = 0
        self._started = False
        self._closed = False
        self._rich: Any = None
        self._task: Any = None
        self._last_draw = float("-inf")
        self._drawn_line = ""
        if self._enabled and (console is not None or rich_available()):
            self._rich_setup(console, bar_width)

    @property
    def done(self) -> int:
        """Return the amount reported so far (never below zero)."""
        with self._lock:
            return self._done

    def update(self, amount: int) -> None:
        """Add ``amount`` (negative when a retry winds back) and show the display when due."""
        with self._lock:
            if self._closed:
                return
            self._done = max(0, self._done + int(amount))
            if not self._enabled:
                return
            now = self._clock()
            if not self._started and now < self._show_after:
                return
            if self._rich is not None:
                self._rich_update(amount)
            elif now - self._last_draw >= _REDRAW_INTERVAL:
                self._plain_draw(now)
            self._started = True

    def close(self, *, success: bool = True) -> None:
        """Draw the final state (when anything was shown) and end the line; idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._started:
                return
            if self._rich is not None:
                self._rich.stop()
                return
            if success:
                self._plain_draw(self._clock())
            self._stream.write("\n")
            self._stream.flush()

    # -- rich ------------------------------------------------------------------------------------

    def _rich_setup(self, console: Any, bar_width: Optional[int]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            ProgressColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        if console is None:
            console = Console(file=self._stream, force_terminal=True)
        columns: list[ProgressColumn] = [
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=bar_width),
        ]
        if self._total is not None:
            columns.append(TaskProgressColumn())
        if self._unit == "bytes":
            columns += [DownloadColumn(), TransferSpeedColumn()]
        else:
            count = "{task.completed:.0f}" + ("/{task.total:.0f}" if self._total else "")
            columns.append(TextColumn(f"{count} {self._unit}", markup=False))
        columns.append(TimeRemainingColumn() if self._total is not None else TimeElapsedColumn())
        self._rich = Progress(
            *columns,
            console=console,
            get_time=self._clock,
            refresh_per_second=1 / _REDRAW_INTERVAL,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._rich.add_task(_printable(self._label), total=self._total)

    def _rich_update(self, amount: int) -> None:
        if amount < 0:  # a retry starts over: restart the speed estimate too
            self._rich.reset(self._task, completed=self._done, total=self._total)
        else:
            self._rich.update(self._task, completed=self._done)
        if not self._started:
            self._rich.start()

    # -- plain text ------------------------------------------------------------------------------

    def _plain_draw(self, now: float) -> None:
        show = format_bytes if self._unit == "bytes" else _plain_count(self._unit)
        line = f"{_printable(self._label)}  {show(self._done)}"
        if self._total is not None:
            percent = min(self._done * 100 // self._total, 100)
            line = (
                f"{_printable(self._label)} {percent:3d}%  {show(self._done)} / {show(self._total)}"
            )
        self._last_draw = now
        if line == self._drawn_line:
            return
        padding = " " * max(0, len(self._drawn_line) - len(line))
        self._stream.write("\r" + line + padding)
        self._stream.flush()
        self._drawn_line = line


def _plain_count(unit: str) -> Callable[[float], str]:
    return lambda amount: f"{int(amount):,} {unit}"


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else "?" for char in text)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
