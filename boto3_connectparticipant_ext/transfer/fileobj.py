"""The file objects ``upload_attachment_fileobj`` and ``download_attachment_fileobj`` accept.

They are structural types (:class:`typing.Protocol`): any object with the method qualifies, not
only ``typing.BinaryIO``. Only what the transfer engine always calls is required:

:class:`ReadableBinary`
    ``read(size)``, returning ``bytes`` (``b""`` at the end). ``None``, a non-blocking raw
    stream's "no data yet", raises ``StreamNotSupportedError`` rather than truncating.
:class:`WritableBinary`
    ``write(data)``; a returned count, when there is one, is used to complete short writes.

The rest is optional and looked up at run time: ``readable()`` / ``writable()`` are checked when
present, and an object whose ``seekable()`` is true and whose ``tell()`` works is also rewound with
``seek()`` (and, for a download, truncated with ``truncate()`` when it has one); any other object
is handled as a non-seekable stream, staged through a temporary file.

Examples
--------
>>> import io
>>> source: ReadableBinary = io.BytesIO(b"%PDF-1.7")
>>> sink: WritableBinary = io.BytesIO()
>>> sink.write(source.read(8))
8
"""

from __future__ import annotations

from typing import Optional, Protocol

__all__ = ["ReadableBinary", "WritableBinary"]


class ReadableBinary(Protocol):
    """A binary file object to upload from: ``read(size)`` is all that is required."""

    def read(self, size: int, /) -> Optional[bytes]: ...


class WritableBinary(Protocol):
    """A binary file object to download into: ``write(data)`` is all that is required."""

    def write(self, data: bytes, /) -> object: ...


# What the engine narrows a file object to once ``seekable()`` was true and ``tell()`` worked
# (and what its own temporary and opened files are); not needed from callers.


class SeekableReadable(ReadableBinary, Protocol):
    """A :class:`ReadableBinary` that can be rewound with ``seek()``."""

    def seek(self, offset: int, whence: int = ..., /) -> int: ...


class SeekableWritable(WritableBinary, Protocol):
    """A :class:`WritableBinary` that can be rewound with ``seek()``."""

    def seek(self, offset: int, whence: int = ..., /) -> int: ...
