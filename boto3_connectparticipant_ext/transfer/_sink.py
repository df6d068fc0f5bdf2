"""Where downloaded bytes go: the sink of an attempt, complete writes, the copy into a stream."""

from __future__ import annotations

import errno
import io
from typing import Optional

from boto3_connectparticipant_ext.redact import redact_text
from boto3_connectparticipant_ext.transfer.errors import TargetPathError, TargetWriteError
from boto3_connectparticipant_ext.transfer.fileobj import (
    ReadableBinary,
    SeekableWritable,
    WritableBinary,
)


class Sink:
    """Where downloaded bytes go: a binary file object from offset ``start``.

    ``callers`` marks the caller's own (seekable) file object rather than a
    temporary file of ours: a failed write then rewinds it and raises
    :class:`TargetWriteError`.
    """

    def __init__(self, handle: SeekableWritable, *, start: int, callers: bool = False) -> None:
        self._handle = handle
        self._start = start
        self._callers = callers
        self._written = 0

    def restart(self) -> None:
        """Go back to ``start`` before an attempt; truncate there when the object can."""
        try:
            self._handle.seek(self._start)
        except (OSError, ValueError) as error:
            raise TargetPathError(f"cannot rewind the download target: {reason(error)}") from error
        # An object that cannot be truncated is overwritten in place: every attempt
        # writes the same AttachmentSizeInBytes bytes from ``start``.
        self._truncate()
        self._written = 0

    def write(self, chunk: bytes) -> None:
        try:
            write_all(self._handle, chunk)
        except WriteFailure as failure:
            if not self._callers:
                raise TargetPathError(
                    f"cannot write the download: {reason(failure.error)}"
                ) from failure.error
            raise self._failed(self._written + failure.accepted, failure.error) from failure.error
        self._written += len(chunk)

    def undo(self) -> Optional[str]:
        """Rewind to ``start`` and truncate there; return why not, or ``None`` when done."""
        try:
            self._handle.seek(self._start)
        except (OSError, ValueError) as error:
            return f"it could not be rewound to position {self._start} ({reason(error)})"
        problem = self._truncate()
        if problem is not None:
            return (
                f"it was rewound to position {self._start} but could not be truncated "
                f"there ({problem})"
            )
        return None

    def _truncate(self) -> Optional[str]:
        truncate = getattr(self._handle, "truncate", None)
        if not callable(truncate):
            return "it has no truncate()"
        try:
            truncate(self._start)
        except (OSError, ValueError) as error:
            return reason(error)
        return None

    def _failed(self, written: int, error: OSError) -> TargetWriteError:
        text = (
            f"writing the attachment into the file object failed after {written} bytes "
            f"({reason(error)}); "
        )
        problem = self.undo()
        if problem is None or written == 0:
            text += (
                f"it was rewound to position {self._start} and truncated there, "
                "so it holds no partial copy"
                if problem is None
                else f"{problem}; none of the attachment was written into it"
            )
            return TargetWriteError(text, bytes_written=written, partial_copy=False)
        text += (
            f"{problem}: it holds a partial copy, the first {written} bytes of the "
            f"attachment from position {self._start}, which must be discarded"
        )
        return TargetWriteError(text, bytes_written=written, partial_copy=True)


class WriteFailure(Exception):
    """A file object's ``write`` failed after accepting ``accepted`` bytes of the chunk."""

    def __init__(self, accepted: int, error: OSError) -> None:
        super().__init__(accepted, error)
        self.accepted = accepted
        self.error = error


def write_all(handle: WritableBinary, chunk: bytes) -> None:
    """Write every byte of ``chunk``, completing short writes; raise :class:`WriteFailure`."""
    done = 0
    while done < len(chunk):
        try:
            result: object = handle.write(chunk if done == 0 else chunk[done:])
        except OSError as error:
            if isinstance(error, BlockingIOError):
                done += getattr(error, "characters_written", 0) or 0
            raise WriteFailure(done, error) from error
        if result is None and not isinstance(handle, io.RawIOBase):
            return  # a file-like object that does not report a count took it all
        if result is None:
            raise WriteFailure(
                done,
                BlockingIOError(errno.EAGAIN, "the non-blocking stream is not ready for writing"),
            )
        if isinstance(result, bool) or not isinstance(result, int):
            return
        if result <= 0:
            raise WriteFailure(done, OSError(errno.EIO, "the stream accepted no bytes"))
        done += min(result, len(chunk) - done)


def reason(error: BaseException) -> str:
    """A short description of ``error`` fit for a message (no URL query, no token)."""
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return redact_text(str(text))


def copy_to_stream(
    source: ReadableBinary, stream: WritableBinary, *, size: int, chunk_size: int
) -> None:
    """Copy the checked, staged download into the caller's non-seekable ``stream``."""
    written = 0
    while True:
        try:
            chunk = source.read(chunk_size)
        except OSError as error:
            raise TargetPathError(
                f"cannot read back the staged download after copying {written} of {size} "
                f"bytes into the stream ({reason(error)}); the stream is not seekable, so "
                f"it holds a partial copy (the first {written} bytes), which must be discarded"
            ) from error
        if not chunk:
            return
        try:
            write_all(stream, chunk)
        except WriteFailure as failure:
            written += failure.accepted
            text = (
                f"writing the attachment into the stream failed after {written} of {size} "
                f"bytes ({reason(failure.error)}); "
            )
            if written:
                text += (
                    "the stream is not seekable, so it holds a partial copy (the first "
                    f"{written} bytes of the attachment), which must be discarded"
                )
            else:
                text += "none of the attachment was written into it"
            raise TargetWriteError(
                text, bytes_written=written, partial_copy=written > 0
            ) from failure.error
        written += len(chunk)
