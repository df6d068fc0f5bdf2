"""The ``cpx`` progress bar on stderr: ``rich.progress`` on a terminal, nothing elsewhere.

The drawing is shared with ``transfer.ProgressBar`` (see ``_progress_display``): rich's progress
display when the ``cli`` extra is installed, a minimal plain line otherwise. It is thread-safe
because transfer callbacks may come from worker threads.
"""

from __future__ import annotations

import time
from typing import Any, Callable, TextIO

from boto3_connectparticipant_ext._progress_display import Display, format_bytes

__all__ = ["ProgressBar", "format_bytes"]


class ProgressBar:
    """Progress of one job, drawn on one terminal line that is rewritten in place.

    ``total=None`` shows a running count instead of a percentage (a transcript's length is not
    known in advance). ``delay`` hides the bar for jobs that finish quickly. When ``stream`` is
    not a terminal (a pipe, a file, CI logs) nothing is drawn at all; ``console`` (a
    ``rich.console.Console``) replaces ``stream`` and its ``is_terminal`` decides.

    Examples
    --------
    >>> bar = ProgressBar(label="upload report.pdf", total=2048, unit="bytes")
    >>> bar.update(1024)
    >>> bar.update(1024)
    >>> bar.close()
    >>> bar.done
    2048
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
        console: Any = None,
    ) -> None:
        self._display = Display(
            label=label,
            total=total,
            unit=unit,
            stream=stream,
            console=console,
            enabled=enabled,
            delay=delay,
            clock=clock,
        )

    @property
    def done(self) -> int:
        """Return the amount reported so far."""
        return self._display.done

    def update(self, amount: int) -> None:
        """Add ``amount`` (negative when a retry rewinds); redrawn at most ten times a second."""
        self._display.update(amount)

    def close(self, *, success: bool = True) -> None:
        """Draw the final state (when the bar was shown) and end the line."""
        self._display.close(success=success)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        self.close(success=exc_type is None)
