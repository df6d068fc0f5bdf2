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

from typing import Any, Callable, Optional, TextIO

from boto3_connectparticipant_ext._progress_display import Display

ProgressCallback = Callable[[int], object]


class ProgressTracker:
    """Feeds a caller's ``Callback`` and winds it back when an attempt is retried."""

    def __init__(self, callback: Optional[ProgressCallback]) -> None:
        self._callback = callback
        self._attempt_bytes = 0

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
    """A thread-safe progress bar usable as a transfer ``Callback``, drawn on a terminal only.

    With the ``cli`` extra installed (``pip install boto3-connectparticipant-ext[cli]``) it is
    drawn by ``rich.progress``: bar, percent, bytes, speed and time left, ending in one clean
    line. Without it a minimal plain line (label, percent, bytes) is drawn instead; no error is
    raised, so code using it works with or without the extra. Nothing is drawn when ``stream`` is
    not a terminal (a pipe, a file, CI logs); the count is kept either way. Call ``close()`` (or
    use it in a ``with`` block) to end the line.

    Parameters
    ----------
    total
        Bytes expected.
    label
        Text shown before the bar.
    stream
        Where to draw (default ``sys.stderr``); drawn only if it is a terminal.
    width
        Characters of the bar itself.
    console
        A ``rich.console.Console`` to draw on instead of ``stream`` (its ``is_terminal``
        decides whether anything is drawn).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()  # not a terminal: counted, not drawn
    >>> bar = ProgressBar(total=4, label="file.pdf", stream=out, width=4)
    >>> bar(4)
    >>> bar.close()
    >>> bar.transferred, out.getvalue()
    (4, '')
    """

    def __init__(
        self,
        *,
        total: int,
        label: str = "",
        stream: Optional[TextIO] = None,
        width: int = 30,
        console: Any = None,
    ) -> None:
        self._display = Display(
            label=label,
            total=max(int(total), 0),
            stream=stream,
            console=console,
            bar_width=max(int(width), 1),
        )

    @property
    def transferred(self) -> int:
        """Return the bytes of the transfer so far (after any wind-back)."""
        return self._display.done

    def __call__(self, bytes_amount: int) -> None:
        self._display.update(bytes_amount)

    def close(self) -> None:
        """Draw the final state and end the bar's line (nothing when nothing was drawn)."""
        self._display.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        self._display.close(success=exc_type is None)
