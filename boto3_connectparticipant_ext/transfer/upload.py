"""Attachment upload: StartAttachmentUpload, a checked streaming PUT, CompleteAttachmentUpload.

Everything knowable locally is checked before the first network call: the
file exists, is a regular non-empty file within the size limit, of an allowed
type, with a known content type. The PUT carries every ``HeadersToInclude``
header verbatim plus ``Content-Length``; its status is checked, and
CompleteAttachmentUpload is called only after a successful PUT of exactly the
announced number of bytes. Throttling, 5xx and connection errors are retried
with backoff while the URL is valid, winding progress back each time.

"Every byte sent" means every byte handed to the socket: urllib3 swallows the
broken pipe of a server that answers before reading the whole body, so a 2xx
with bytes still unsent is a failed attempt like any connection error. Bytes
already in the kernel's send buffer cannot be told apart from bytes the
server read; a server that reads a few kilobytes less than a small body and
answers 200 is indistinguishable on the client side, as with every HTTP client.
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
from typing import Any, Optional, Union, cast

from boto3_connectparticipant_ext.redact import remember_capability_url
from boto3_connectparticipant_ext.transfer import _service
from boto3_connectparticipant_ext.transfer._arguments import (
    UPLOAD_METHODS,
    check_callback,
    check_open,
    client_argument,
    config_argument,
    path_argument,
    stream_position,
)
from boto3_connectparticipant_ext.transfer._body import Body, Source, read_chunk
from boto3_connectparticipant_ext.transfer._http import (
    TRANSPORT_ERRORS,
    USER_AGENT,
    TransferHttp,
    describe_error,
    http_for_client,
    is_permanent,
)
from boto3_connectparticipant_ext.transfer._policy import TransferRetry
from boto3_connectparticipant_ext.transfer._retry import (
    Failure,
    parse_expiry,
    read_error_answer,
    run_attempts,
    seconds_left,
)
from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentFileError,
    AttachmentTooLargeError,
    AttachmentValidationError,
    StreamNotSupportedError,
    UploadFailedError,
    UploadRefusedError,
    UrlExpiredError,
)
from boto3_connectparticipant_ext.transfer.fileobj import (
    ReadableBinary,
    SeekableReadable,
    WritableBinary,
)
from boto3_connectparticipant_ext.transfer.limits import (
    SNIFF_BYTES,
    check_name,
    check_size,
    content_type_for_name,
    resolve_content_type,
)
from boto3_connectparticipant_ext.transfer.osutils import OSUtils
from boto3_connectparticipant_ext.transfer.progress import ProgressCallback, ProgressTracker

PathArgument = Union[str, "os.PathLike[str]"]


def upload_attachment(
    client: Any,
    Filename: PathArgument,
    *,
    ConnectionToken: Optional[str] = None,
    AttachmentName: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    osutil: Optional[OSUtils] = None,
    http: Optional[TransferHttp] = None,
) -> str:
    """Upload a file as a chat attachment and return its ``AttachmentId``.

    Parameters
    ----------
    client
        A ``connectparticipant`` client.
    Filename
        Path of the file to send.
    ConnectionToken
        Omit when the client has a bound token.
    AttachmentName
        Name shown in the chat (default: the file's base name).
    ContentType
        MIME type (default: from the name, else from the file's first bytes).
    Callback
        Called with the bytes sent since the last call, negative when a retry
        starts over; may be called from another thread.
    Config
        A :class:`TransferConfig`.
    osutil, http
        Replacements of the OS and HTTP layers, for tests.

    Examples
    --------
    >>> attachment_id = upload_attachment(client, "invoice.pdf")   # doctest: +SKIP
    """
    client_argument(client, needs=UPLOAD_METHODS)
    config = config_argument(Config)
    check_callback(Callback)
    token = _service.token_arguments(ConnectionToken)
    osutil = osutil or OSUtils()
    path = path_argument(Filename)
    if not osutil.exists(path):
        raise AttachmentFileError(f"no such file: {path!r}")
    if osutil.is_dir(path):
        raise AttachmentFileError(f"{path!r} is a directory, not a file")
    if not osutil.is_file(path):
        raise AttachmentFileError(f"{path!r} is not a regular file")
    name = check_name(os.path.basename(path) if AttachmentName is None else AttachmentName)
    try:
        handle = osutil.open_for_read(path)
    except OSError as error:
        raise AttachmentFileError(f"cannot read {path!r}: {error.strerror or error}") from None
    with handle:
        try:
            size = osutil.file_size(path)
        except OSError as error:  # removed or replaced between the checks and here
            raise AttachmentFileError(f"cannot read {path!r}: {error.strerror or error}") from None
        _check_not_empty(size, what=repr(path))
        check_size(size, config)
        return _upload_from(
            client, handle, start=0, size=size, name=name, content_type=ContentType,
            token=token, callback=Callback, config=config, osutil=osutil, http=http,
        )  # fmt: skip


def upload_attachment_fileobj(
    client: Any,
    Fileobj: ReadableBinary,
    AttachmentName: str,
    *,
    ConnectionToken: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    osutil: Optional[OSUtils] = None,
    http: Optional[TransferHttp] = None,
) -> str:
    """Upload the rest of a binary file object as a chat attachment; return its ``AttachmentId``.

    A seekable object is sent from its current position to its end. A
    non-seekable stream (a pipe, a socket) is first copied to a temporary
    file, stopping as soon as it exceeds the size limit, because the service
    needs the exact size before the upload starts. Text-mode objects are
    refused. Parameters are those of :func:`upload_attachment`.

    Examples
    --------
    >>> with open("photo.png", "rb") as data:                       # doctest: +SKIP
    ...     attachment_id = upload_attachment_fileobj(client, data, "photo.png")
    """
    client_argument(client, needs=UPLOAD_METHODS)
    config = config_argument(Config)
    check_callback(Callback)
    token = _service.token_arguments(ConnectionToken)
    osutil = osutil or OSUtils()
    name = check_name(AttachmentName)
    check_open(Fileobj)
    _check_readable(Fileobj)
    start = stream_position(Fileobj)
    if start is not None:
        # stream_position() saw seekable() true and tell() work: the object can be rewound.
        seekable = cast(SeekableReadable, Fileobj)
        end = seekable.seek(0, io.SEEK_END)
        seekable.seek(start)
        size = end - start
        _check_not_empty(size, what="the file object")
        check_size(size, config)
        return _upload_from(
            client, seekable, start=start, size=size, name=name, content_type=ContentType,
            token=token, callback=Callback, config=config, osutil=osutil, http=http,
        )  # fmt: skip
    with tempfile.TemporaryFile() as spool:
        size = _spool(Fileobj, spool, config=config)
        _check_not_empty(size, what="the stream")
        return _upload_from(
            client, spool, start=0, size=size, name=name, content_type=ContentType,
            token=token, callback=Callback, config=config, osutil=osutil, http=http,
        )  # fmt: skip


def _upload_from(
    client: Any,
    handle: SeekableReadable,
    *,
    start: int,
    size: int,
    name: str,
    content_type: Optional[str],
    token: dict[str, str],
    callback: Optional[ProgressCallback],
    config: TransferConfig,
    osutil: OSUtils,
    http: Optional[TransferHttp],
) -> str:
    head = _head(handle, start=start, size=size, name=name, explicit=content_type)
    resolved = resolve_content_type(name=name, explicit=content_type, head=head, config=config)
    return _upload(
        client,
        source=Source(handle, start=start, size=size),
        name=name,
        content_type=resolved,
        token=token,
        progress=ProgressTracker(callback),
        config=config,
        osutil=osutil,
        http=http,
    )


def _upload(
    client: Any,
    *,
    source: Source,
    name: str,
    content_type: str,
    token: dict[str, str],
    progress: ProgressTracker,
    config: TransferConfig,
    osutil: OSUtils,
    http: Optional[TransferHttp],
) -> str:
    started = _service.call(
        client,
        "StartAttachmentUpload",
        "start_attachment_upload",
        ContentType=content_type,
        AttachmentSizeInBytes=source.size,
        AttachmentName=name,
        **token,
    )
    attachment_id = started.get("AttachmentId")
    metadata = started.get("UploadMetadata") or {}
    url = metadata.get("Url")
    if not attachment_id or not url:
        # botocore parses a body cut short by a dropped connection as an empty answer.
        raise AttachmentValidationError(
            "StartAttachmentUpload answered without an AttachmentId or upload URL (truncated or "
            "malformed response); the attachment was not sent, upload again"
        )
    remember_capability_url(url)
    attachment_id = str(attachment_id)
    headers = _put_headers(metadata.get("HeadersToInclude") or {}, size=source.size)
    transport = http or http_for_client(client)
    _put(
        transport,
        url=url,
        headers=headers,
        source=source,
        expiry=parse_expiry(metadata.get("UrlExpiry")),
        progress=progress,
        config=config,
        osutil=osutil,
    )
    _service.call(
        client,
        "CompleteAttachmentUpload",
        "complete_attachment_upload",
        attachment_id=attachment_id,
        AttachmentIds=[attachment_id],
        **token,
    )
    if config.wait_for_scan:
        _service.wait_for_scan(
            client, attachment_id=attachment_id, token=token, config=config, osutil=osutil
        )
    return attachment_id


def _put(
    http: TransferHttp,
    *,
    url: str,
    headers: dict[str, str],
    source: Source,
    expiry: Any,
    progress: ProgressTracker,
    config: TransferConfig,
    osutil: OSUtils,
) -> None:
    timeout = http.timeout(connect=config.connect_timeout, read=config.read_timeout)
    policy = config.retry.for_action(
        "the attachment upload", UploadFailedError, refresh_url_on_expiry=False
    )

    def attempt(policy: TransferRetry) -> Optional[Failure]:
        body = source.body(chunk_size=config.chunk_size, progress=progress)
        try:
            response = http.request("PUT", url, headers=headers, body=body, timeout=timeout)
        except TRANSPORT_ERRORS as error:
            return Failure(describe_error(error), permanent=is_permanent(error))
        return _failed_attempt(response, body=body, source=source, policy=policy)

    run_attempts(
        attempt, policy=policy, lease=_UploadLease(expiry, osutil), progress=progress, osutil=osutil
    )


@dataclasses.dataclass(frozen=True)
class _UploadLease:
    """An upload URL cannot be renewed: once it expires, the upload must start over."""

    expiry: Any
    osutil: OSUtils

    def seconds_left(self) -> float:
        return seconds_left(self.expiry, self.osutil.utcnow())

    def renew(self) -> None:  # pragma: no cover - the upload policy never refreshes
        raise AssertionError("upload URLs are not renewed")

    def expired_error(self, policy: TransferRetry, *, before_wait: bool) -> Exception:
        if before_wait:
            return UrlExpiredError(
                f"the upload URL expires before the next attempt (last error: "
                f"{policy.last_error}); CompleteAttachmentUpload was not called, upload again"
            )
        return UrlExpiredError(
            "the upload URL expired before the upload could be sent"
            + (
                f" (after {policy.attempt - 1} failed attempt(s): {policy.last_error})"
                if policy.last_error
                else ""
            )
            + "; CompleteAttachmentUpload was not called, upload again"
        )


def _failed_attempt(
    response: Any, *, body: Body, source: Source, policy: TransferRetry
) -> Optional[Failure]:
    """``None`` for a PUT that stored every byte; else the retryable failure and its wait.

    A 2xx counts only when every announced byte was handed to the socket:
    urllib3 swallows the broken pipe of a server that stopped reading the body
    and reads its early answer, which is no proof the object is whole.
    """
    if 200 <= response.status < 300:
        if body.sent == source.size:
            response.drain_conn()
            response.release_conn()
            source.check_unchanged(body)
            return None
        response.close()
        response.release_conn()
        return Failure(
            f"the server answered HTTP {response.status} having taken only {body.sent} of "
            f"the {source.size} announced bytes"
        )
    answer = read_error_answer(response)
    if answer.expired:
        raise UrlExpiredError(
            f"S3 refused the upload because its URL expired ({answer.describe()}); "
            "CompleteAttachmentUpload was not called, upload again"
        )
    if not policy.is_retryable(answer.status, answer.code):
        raise UploadRefusedError(
            status=answer.status, error_code=answer.code, detail=answer.message
        )
    return Failure(answer.describe(), retry_after=answer.retry_after)


def _put_headers(to_include: dict[str, str], *, size: int) -> dict[str, str]:
    headers = {str(key): str(value) for key, value in to_include.items()}
    lowered = {key.lower(): key for key in headers}
    if "content-length" in lowered:
        announced = headers[lowered["content-length"]].strip()
        if announced != str(size):
            raise AttachmentValidationError(
                f"the service signed Content-Length {announced} but the attachment is "
                f"{size} bytes; the attachment was not sent"
            )
    else:
        headers["Content-Length"] = str(size)
    if "user-agent" not in lowered:
        headers["User-Agent"] = USER_AGENT
    return headers


def _head(
    handle: SeekableReadable, *, start: int, size: int, name: str, explicit: Optional[str]
) -> bytes:
    if explicit is not None or content_type_for_name(name) is not None:
        return b""  # the bytes are read only when nothing else tells the type
    handle.seek(start)
    head = read_chunk(handle, min(SNIFF_BYTES, size))
    handle.seek(start)
    return head


def _spool(stream: ReadableBinary, spool: WritableBinary, *, config: TransferConfig) -> int:
    size = 0
    while True:
        chunk = read_chunk(stream, config.chunk_size)
        if not chunk:
            return size
        size += len(chunk)
        if size > config.max_size_bytes:
            raise AttachmentTooLargeError(size=None, limit=config.max_size_bytes)
        spool.write(chunk)


def _check_readable(fileobj: object) -> None:
    if isinstance(fileobj, io.TextIOBase):
        raise StreamNotSupportedError("the file object is in text mode; open it in binary mode")
    if not callable(getattr(fileobj, "read", None)):
        raise StreamNotSupportedError(
            f"Fileobj must be a readable binary file object, got {type(fileobj).__name__}"
        )
    readable = getattr(fileobj, "readable", None)
    if callable(readable) and not readable():
        raise StreamNotSupportedError("the file object is not open for reading")


def _check_not_empty(size: int, *, what: str) -> None:
    if size <= 0:
        raise AttachmentFileError(
            f"{what} is empty; the service accepts attachments of 1 byte or more"
        )
