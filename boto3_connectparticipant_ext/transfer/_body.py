"""The PUT body of an upload: exactly the announced bytes, replayable, counted as sent.

``Body.sent`` counts the bytes handed to the socket: urllib3 asks the body for
its next chunk only after ``sendall()`` of the previous one returned, so a
body that stops short of its size was not fully sent.
"""

from __future__ import annotations

from collections.abc import Iterator

from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentFileError,
    StreamNotSupportedError,
)
from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, SeekableReadable
from boto3_connectparticipant_ext.transfer.progress import ProgressTracker


class Source:
    """``size`` bytes of ``handle`` from offset ``start``, replayable for each attempt."""

    def __init__(self, handle: SeekableReadable, *, start: int, size: int) -> None:
        self.handle = handle
        self.start = start
        self.size = size

    def body(self, *, chunk_size: int, progress: ProgressTracker) -> Body:
        return Body(self, chunk_size=chunk_size, progress=progress)

    def check_unchanged(self, body: Body) -> None:
        if body.grew:
            raise AttachmentFileError(
                f"the file grew while it was being uploaded (announced {self.size} bytes); "
                "CompleteAttachmentUpload was not called"
            )


class Body:
    """The PUT body of one attempt: exactly ``size`` bytes, counted into progress."""

    def __init__(self, source: Source, *, chunk_size: int, progress: ProgressTracker) -> None:
        self._source = source
        self._chunk_size = chunk_size
        self._progress = progress
        self.grew = False
        #: Bytes handed to the socket: urllib3 asks for the next chunk only after
        #: ``sendall()`` of the previous one returned.
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        handle = self._source.handle
        remaining = self._source.size
        try:
            handle.seek(self._source.start)
        except OSError as error:
            raise AttachmentFileError(f"cannot rewind the file: {error}") from None
        while remaining:
            chunk = read_chunk(handle, min(self._chunk_size, remaining))
            if not chunk:
                raise AttachmentFileError(
                    f"the file shrank while it was being uploaded ({remaining} of "
                    f"{self._source.size} bytes missing); CompleteAttachmentUpload was not called"
                )
            remaining -= len(chunk)
            self._progress.advance(len(chunk))
            yield chunk
            self.sent += len(chunk)
        self.grew = bool(read_chunk(handle, 1))


def read_chunk(handle: ReadableBinary, amount: int) -> bytes:
    try:
        chunk = handle.read(amount)
    except OSError as error:
        raise AttachmentFileError(f"cannot read the file: {error}") from None
    if isinstance(chunk, str):
        raise StreamNotSupportedError("the file object is in text mode; open it in binary mode")
    if chunk is None:
        # A raw non-blocking stream with no data yet: not the end of the file, and
        # treating it as one would upload a truncated attachment.
        raise StreamNotSupportedError(
            "the file object is non-blocking and had no data ready (read() returned None); "
            "give a blocking stream; nothing was uploaded"
        )
    return chunk
