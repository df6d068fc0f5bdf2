"""Attachment sources for bridges: bytes, a binary file object or a URL, sized exactly.

The service must be told an attachment's exact size before the upload (StartAttachmentUpload's
``AttachmentSizeInBytes``), so a size is never guessed:

* ``bytes`` -> ``len(data)``;
* a URL -> its ``Content-Length`` is checked against the size limit *before* the body
  is read, and the body is then read as a stream that must end exactly at that length
  (a short or long body raises :class:`AttachmentSourceError`); without a
  ``Content-Length`` (or with a ``Content-Encoding``) the upload buffers the stream
  to a temporary file to learn the size (``transfer.upload_attachment_fileobj``);
* a binary file object is handed to the upload as is (seekable: sent from its
  position; otherwise buffered).

Examples
--------
>>> source = open_source(b"%PDF-1.7 ...")
>>> source.size, source.fileobj.read(4)
(12, b'%PDF')
>>> try:
...     open_source("ftp://example.com/a.pdf")
... except AttachmentSourceError as error:
...     print(error)
a URL source must be http or https
"""

from __future__ import annotations

import dataclasses
import io
import urllib.parse
from typing import Any, Callable, Optional, Union

from ..service_limits import DEFAULT_ATTACHMENT_MAX_BYTES
from .errors import AttachmentSourceError

__all__ = ["AttachmentSource", "open_source"]

Source = Union[bytes, bytearray, memoryview, str, Any]


@dataclasses.dataclass
class AttachmentSource:
    """A readable source; ``size`` is exact when known up front, else ``None``."""

    fileobj: Any
    size: Optional[int]
    name: Optional[str] = None
    content_type: Optional[str] = None
    closer: Optional[Callable[[], None]] = dataclasses.field(default=None, repr=False)

    def close(self) -> None:
        if self.closer is not None:
            self.closer()


class _ExactLengthReader:
    """A response body that must end exactly at its declared length (``read`` only)."""

    def __init__(self, stream: Any, expected: int, host: str) -> None:
        self._stream = stream
        self._expected = expected
        self._seen = 0
        self._host = host

    def read(self, size: Optional[int] = -1) -> bytes:
        try:
            chunk: bytes = (
                self._stream.read(size if size is not None and size >= 0 else None) or b""
            )
        except AttachmentSourceError:
            raise
        except Exception as error:  # urllib3 itself may notice the short body first
            raise AttachmentSourceError(
                f"the body from {self._host} ended after {self._seen} of {self._expected} bytes"
                f" ({type(error).__name__})"
            ) from None
        self._seen += len(chunk)
        if self._seen > self._expected:
            raise AttachmentSourceError(
                f"the body from {self._host} is longer than its Content-Length"
            )
        if not chunk and self._seen != self._expected:
            raise AttachmentSourceError(
                f"the body from {self._host} ended after {self._seen} of {self._expected} bytes"
            )
        return chunk


def open_source(
    source: Source,
    *,
    max_size: int = DEFAULT_ATTACHMENT_MAX_BYTES,
    http: Any = None,
    timeout: float = 30.0,
) -> AttachmentSource:
    """Open ``source`` (bytes, an http(s) URL or a binary file object) for upload."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return AttachmentSource(io.BytesIO(data), len(data))
    if isinstance(source, str):
        return _open_url(source, max_size=max_size, http=http, timeout=timeout)
    if hasattr(source, "read"):
        return AttachmentSource(source, None)
    raise AttachmentSourceError(
        "an attachment source must be bytes, an http(s) URL or a file object"
    )


def _open_url(url: str, *, max_size: int, http: Any, timeout: float) -> AttachmentSource:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AttachmentSourceError("a URL source must be http or https")
    host = parts.hostname
    if http is None:
        import urllib3

        http = urllib3.PoolManager()
    try:
        response = http.request("GET", url, preload_content=False, timeout=timeout)
    except Exception as error:
        raise AttachmentSourceError(
            f"cannot fetch the attachment from {host}: {type(error).__name__}"
        ) from None
    if response.status != 200:
        response.release_conn()
        raise AttachmentSourceError(f"the attachment URL on {host} answered HTTP {response.status}")
    name = urllib.parse.unquote(parts.path.rsplit("/", 1)[-1]) or None
    content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
    length = response.headers.get("Content-Length")
    encoded = (response.headers.get("Content-Encoding") or "identity").lower() != "identity"
    if length is None or encoded or not length.isdigit():
        return AttachmentSource(response, None, name, content_type, response.release_conn)
    size = int(length)
    if size > max_size:
        response.release_conn()
        raise AttachmentSourceError(
            f"the attachment on {host} is {size} bytes, over the {max_size}-byte limit"
        )
    reader = _ExactLengthReader(response, size, host)
    return AttachmentSource(reader, size, name, content_type, response.release_conn)
