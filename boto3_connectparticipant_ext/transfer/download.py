"""Attachment download: GetAttachment, then a checked, streamed GET into a safe place.

A file download is written to a hidden temporary file in the target's
directory and renamed into place only when exactly ``AttachmentSizeInBytes``
bytes have arrived; on any failure the temporary file is removed and an
existing target is left untouched. Throttling, 5xx, connection errors and
truncated bodies are retried with backoff; an expired URL is replaced by a
fresh one from GetAttachment.
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
from typing import Any, Optional, Union, cast

from boto3_connectparticipant_ext.redact import remember_capability_url
from boto3_connectparticipant_ext.service_limits import (
    ATTACHMENT_URL_EXPIRY_MAX_SECONDS,
    ATTACHMENT_URL_EXPIRY_MIN_SECONDS,
)
from boto3_connectparticipant_ext.transfer import _service
from boto3_connectparticipant_ext.transfer._arguments import (
    DOWNLOAD_METHODS,
    attachment_id_argument,
    check_callback,
    check_open,
    client_argument,
    commit_target,
    config_argument,
    path_argument,
    staging_file,
    stream_position,
)
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
from boto3_connectparticipant_ext.transfer._sink import (
    Sink,
    copy_to_stream,
    reason,
)
from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentNotFoundError,
    AttachmentValidationError,
    DownloadFailedError,
    DownloadRefusedError,
    StreamNotSupportedError,
    TargetExistsError,
    TargetPathError,
    TransferConfigError,
)
from boto3_connectparticipant_ext.transfer.fileobj import (
    SeekableWritable,
    WritableBinary,
)
from boto3_connectparticipant_ext.transfer.naming import safe_file_name
from boto3_connectparticipant_ext.transfer.osutils import OSUtils
from boto3_connectparticipant_ext.transfer.progress import ProgressCallback, ProgressTracker

PathArgument = Union[str, "os.PathLike[str]"]


def get_attachment_url(
    client: Any,
    AttachmentId: str,
    *,
    ConnectionToken: Optional[str] = None,
    ExpiresIn: Optional[int] = None,
) -> str:
    """Return a presigned download URL of an attachment (a secret: do not log it).

    Parameters
    ----------
    client
        A ``connectparticipant`` client.
    AttachmentId
        The attachment's id (from the transcript's ``Attachments``).
    ConnectionToken
        Omit when the client has a bound token.
    ExpiresIn
        Lifetime of the URL in seconds, 5..300 (default: the service's).

    Examples
    --------
    >>> url = get_attachment_url(client, "a1b2c3", ExpiresIn=60)    # doctest: +SKIP
    """
    client_argument(client, needs=DOWNLOAD_METHODS)
    attachment_id = attachment_id_argument(AttachmentId)
    token = _service.token_arguments(ConnectionToken)
    lowest, highest = ATTACHMENT_URL_EXPIRY_MIN_SECONDS, ATTACHMENT_URL_EXPIRY_MAX_SECONDS
    if ExpiresIn is not None and (
        isinstance(ExpiresIn, bool)
        or not isinstance(ExpiresIn, int)
        or not lowest <= ExpiresIn <= highest
    ):
        raise TransferConfigError(
            f"ExpiresIn must be an integer from {lowest} to {highest}, got {ExpiresIn!r}"
        )
    link = _Link.fetch(client, attachment_id=attachment_id, token=token, expires_in=ExpiresIn)
    return link.url


def download_attachment(
    client: Any,
    AttachmentId: str,
    Filename: PathArgument,
    *,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    Overwrite: bool = False,
    osutil: Optional[OSUtils] = None,
    http: Optional[TransferHttp] = None,
) -> str:
    """Download an attachment to a file; return the path written.

    Parameters
    ----------
    client
        A ``connectparticipant`` client.
    AttachmentId
        The attachment's id (from the transcript's ``Attachments``).
    Filename
        The file to write, replaced atomically when complete. When it is an
        existing directory, the file name is the attachment's remote
        ``AttachmentName`` (from the transcript), sanitized: no path
        separators, no leading dot, no device names.
    ConnectionToken
        Omit when the client has a bound token.
    Callback
        Called with the bytes received since the last call, negative when a
        retry starts over; may be called from another thread.
    Config
        A :class:`TransferConfig`.
    Overwrite
        With a directory ``Filename``: replace a file of the same name
        (otherwise ``TargetExistsError``). An explicit file name is always
        replaced, like boto3's ``download_file``.
    osutil, http
        Replacements of the OS and HTTP layers, for tests.

    Examples
    --------
    >>> download_attachment(client, attachment_id, "/tmp/invoice.pdf")   # doctest: +SKIP
    '/tmp/invoice.pdf'
    >>> download_attachment(client, attachment_id, "downloads/")         # doctest: +SKIP
    'downloads/invoice.pdf'
    """
    client_argument(client, needs=DOWNLOAD_METHODS)
    attachment_id = attachment_id_argument(AttachmentId)
    config = config_argument(Config)
    check_callback(Callback)
    token = _service.token_arguments(ConnectionToken)
    osutil = osutil or OSUtils()
    if not isinstance(Overwrite, bool):
        raise TransferConfigError("Overwrite must be True or False")
    path = path_argument(Filename)
    into_directory = osutil.is_dir(path)
    if not into_directory:
        _check_file_target(path, osutil=osutil)
    directory = path if into_directory else os.path.dirname(os.path.abspath(path))
    # Staged first: an unwritable directory is refused before any request.
    handle, temporary = staging_file(osutil, directory=directory, hint=os.path.basename(path))
    committed = False
    try:
        with handle:
            target, overwrite = (
                _target_in(
                    client, path, attachment_id, token=token, overwrite=Overwrite, osutil=osutil
                )
                if into_directory
                else (path, True)
            )
            _download(
                client,
                attachment_id=attachment_id,
                token=token,
                sink=Sink(handle, start=0),
                progress=ProgressTracker(Callback),
                config=config,
                osutil=osutil,
                http=http,
            )
            if config.fsync:
                osutil.flush_to_disk(handle)
        commit_target(osutil, temporary, target, overwrite=overwrite)
        committed = True
    finally:
        if not committed:
            osutil.remove(temporary)
    return target


def _target_in(
    client: Any,
    directory: str,
    attachment_id: str,
    *,
    token: dict[str, str],
    overwrite: bool,
    osutil: OSUtils,
) -> tuple[str, bool]:
    """The file in ``directory`` named after the remote AttachmentName, checked."""
    attachment = _service.find_attachment(client, attachment_id=attachment_id, token=token)
    if attachment is None:
        raise AttachmentNotFoundError(
            f"attachment {attachment_id} is not in the transcript, so its name is unknown; "
            "pass a file name instead of a directory"
        )
    target = os.path.join(directory, safe_file_name(str(attachment.get("AttachmentName") or "")))
    if osutil.exists(target) and not osutil.is_file(target):
        raise TargetPathError(
            f"{os.path.basename(target)!r} exists in {directory!r} and is not a regular file"
        )
    if osutil.exists(target) and not overwrite:
        raise TargetExistsError(
            f"{os.path.basename(target)!r} already exists in {directory!r}; "
            "pass Overwrite=True to replace it"
        )
    return target, overwrite


def download_attachment_fileobj(
    client: Any,
    AttachmentId: str,
    Fileobj: WritableBinary,
    *,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    osutil: Optional[OSUtils] = None,
    http: Optional[TransferHttp] = None,
) -> int:
    """Download an attachment into a binary file object; return the number of bytes written.

    The bytes are written at the object's current position. Nothing the
    caller can see is left half-done by a failed *download*:

    * A seekable object receives the bytes directly; a retry, or any failure,
      rewinds it to its starting position and truncates it there (one whose
      ``truncate()`` does not work is rewound and overwritten in place).
    * A non-seekable stream receives nothing until the whole attachment has
      arrived in a temporary file and its size has been checked against
      ``AttachmentSizeInBytes``; only then is it copied into the stream.

    If *writing the file object itself* fails (its ``write`` raises
    ``OSError``: disk full, broken pipe, ...), :class:`TargetWriteError` is
    raised (a :class:`TargetPathError`) with the ``OSError`` chained; it is
    not retried. Its ``bytes_written`` says how many bytes the object had
    accepted. A seekable object is then rewound and truncated as above, so
    ``partial_copy`` is False (unless it cannot be truncated: the message says
    so). A non-seekable stream cannot be rewound: ``partial_copy`` is True
    whenever some bytes were accepted, and the stream holds only the first
    ``bytes_written`` bytes of the attachment, to be discarded by the caller.
    Short writes (a raw stream accepting part of a chunk) are completed.

    Parameters are those of :func:`download_attachment`.

    Examples
    --------
    >>> buffer = io.BytesIO()                                                # doctest: +SKIP
    >>> download_attachment_fileobj(client, attachment_id, buffer)           # doctest: +SKIP
    52341
    """
    client_argument(client, needs=DOWNLOAD_METHODS)
    attachment_id = attachment_id_argument(AttachmentId)
    config = config_argument(Config)
    check_callback(Callback)
    token = _service.token_arguments(ConnectionToken)
    osutil = osutil or OSUtils()
    check_open(Fileobj)
    _check_writable(Fileobj)
    arguments: dict[str, Any] = {
        "attachment_id": attachment_id,
        "token": token,
        "progress": ProgressTracker(Callback),
        "config": config,
        "osutil": osutil,
        "http": http,
    }
    start = stream_position(Fileobj)
    if start is not None:
        # stream_position() saw seekable() true and tell() work: the object can be rewound.
        sink = Sink(cast(SeekableWritable, Fileobj), start=start, callers=True)
        try:
            return _download(client, sink=sink, **arguments)
        except BaseException:
            sink.undo()
            raise
    with tempfile.TemporaryFile() as staging:
        size = _download(client, sink=Sink(staging, start=0), **arguments)
        try:
            staged = staging.seek(0, os.SEEK_END)
            staging.seek(0)
        except OSError as error:
            raise TargetPathError(
                f"cannot read back the staged download: {reason(error)}"
            ) from error
        if staged != size:
            raise TargetPathError(f"the staged download holds {staged} bytes, expected {size}")
        copy_to_stream(staging, Fileobj, size=size, chunk_size=config.chunk_size)
        return size


@dataclasses.dataclass
class _Link:
    url: str = dataclasses.field(repr=False)  # a credential
    expiry: Any
    size: Optional[int]

    @classmethod
    def fetch(
        cls,
        client: Any,
        *,
        attachment_id: str,
        token: dict[str, str],
        expires_in: Optional[int],
    ) -> _Link:
        arguments: dict[str, Any] = {"AttachmentId": attachment_id, **token}
        if expires_in is not None:
            arguments["UrlExpiryInSeconds"] = expires_in
        answer = _service.call(
            client, "GetAttachment", "get_attachment", attachment_id=attachment_id, **arguments
        )
        url = answer.get("Url")
        if not url:
            raise AttachmentValidationError(
                f"GetAttachment returned no download URL for attachment {attachment_id}"
            )
        size = answer.get("AttachmentSizeInBytes")
        remember_capability_url(url)
        return cls(url=url, expiry=parse_expiry(answer.get("UrlExpiry")), size=size)


class _SizeMismatch(Exception):
    """The body's length differs from ``AttachmentSizeInBytes`` (retried like a truncation)."""


def _download(
    client: Any,
    *,
    attachment_id: str,
    token: dict[str, str],
    sink: Sink,
    progress: ProgressTracker,
    config: TransferConfig,
    osutil: OSUtils,
    http: Optional[TransferHttp],
) -> int:
    if config.wait_for_scan:
        _service.wait_for_scan(
            client, attachment_id=attachment_id, token=token, config=config, osutil=osutil
        )
    fetch: dict[str, Any] = {
        "attachment_id": attachment_id,
        "token": token,
        "expires_in": config.url_expiry_seconds,
    }
    lease = _DownloadLease(client, fetch, osutil, _Link.fetch(client, **fetch))
    transport = http or http_for_client(client)
    timeout = transport.timeout(connect=config.connect_timeout, read=config.read_timeout)
    policy = config.retry.for_action(
        f"the download of attachment {attachment_id}",
        DownloadFailedError,
        refresh_url_on_expiry=True,
    )

    def attempt(policy: TransferRetry) -> Union[int, Failure]:
        link = lease.link
        sink.restart()
        try:
            response = transport.request(
                "GET", link.url, headers={"User-Agent": USER_AGENT}, timeout=timeout
            )
        except TRANSPORT_ERRORS as error:
            return Failure(describe_error(error), permanent=is_permanent(error))
        if response.status == 200:
            try:
                return _receive(response, sink=sink, link=link, progress=progress, config=config)
            except TRANSPORT_ERRORS as error:
                return Failure(describe_error(error))
            except _SizeMismatch as error:
                return Failure(str(error))
        answer = read_error_answer(response)
        if answer.expired:
            return Failure(answer.describe(), url_expired=True)
        if not policy.is_retryable(answer.status, answer.code):
            raise DownloadRefusedError(
                status=answer.status, error_code=answer.code, detail=answer.message
            )
        return Failure(answer.describe(), retry_after=answer.retry_after)

    return run_attempts(attempt, policy=policy, lease=lease, progress=progress, osutil=osutil)


@dataclasses.dataclass
class _DownloadLease:
    """A download URL is renewed by a new GetAttachment whenever it expires."""

    client: Any
    fetch: dict[str, Any]
    osutil: OSUtils
    link: _Link

    def seconds_left(self) -> float:
        return seconds_left(self.link.expiry, self.osutil.utcnow())

    def renew(self) -> None:
        self.link = _Link.fetch(self.client, **self.fetch)

    def expired_error(self, policy: TransferRetry, *, before_wait: bool) -> Exception:
        raise AssertionError("download URLs are renewed")  # pragma: no cover


def _receive(
    response: Any,
    *,
    sink: Sink,
    link: _Link,
    progress: ProgressTracker,
    config: TransferConfig,
) -> int:
    complete = False
    try:
        expected = link.size
        announced = _content_length(response.headers)
        if expected is None:
            expected = announced
        elif announced is not None and announced != expected:
            raise _SizeMismatch(
                f"the server announced {announced} bytes but AttachmentSizeInBytes is {expected}"
            )
        received = 0
        read = response.read
        chunk_size = config.chunk_size
        while True:
            chunk = read(chunk_size, decode_content=False)
            if not chunk:
                break
            received += len(chunk)
            if expected is not None and received > expected:
                raise _SizeMismatch(f"received more than the expected {expected} bytes")
            sink.write(chunk)
            progress.advance(len(chunk))
        if expected is not None and received != expected:
            raise _SizeMismatch(f"received {received} of {expected} bytes (truncated body)")
        complete = True
        return received
    finally:
        if not complete:
            # A half-read connection must not go back to the pool.
            response.close()
        response.release_conn()


def _content_length(headers: Any) -> Optional[int]:
    value = headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _check_file_target(target: str, *, osutil: OSUtils) -> None:
    directory = os.path.dirname(os.path.abspath(target))
    if target.endswith(("/", os.sep)) or not osutil.is_dir(directory):
        raise TargetPathError(f"the directory of {target!r} does not exist")
    if osutil.exists(target) and not osutil.is_file(target):
        raise TargetPathError(f"{target!r} exists and is not a regular file")


def _check_writable(fileobj: object) -> None:
    if isinstance(fileobj, io.TextIOBase):
        raise StreamNotSupportedError("the file object is in text mode; open it in binary mode")
    if not callable(getattr(fileobj, "write", None)):
        raise StreamNotSupportedError(
            f"Fileobj must be a writable binary file object, got {type(fileobj).__name__}"
        )
    writable = getattr(fileobj, "writable", None)
    if callable(writable) and not writable():
        raise StreamNotSupportedError("the file object is not open for writing")
