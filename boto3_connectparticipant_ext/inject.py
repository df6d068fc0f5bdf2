"""Attach the helper methods to connectparticipant client classes.

While the plugin is installed, :func:`inject_helper_methods` runs on
``creating-client-class.connectparticipant`` (the mechanism boto3 uses to give
S3 clients ``upload_file``). Each method is a two-line delegate to the engine in
:mod:`boto3_connectparticipant_ext.transcript` or
:mod:`boto3_connectparticipant_ext.transfer`, which also work as plain
functions taking a client. Where botocore already defines a name (a future
botocore might), botocore's method is kept and one warning is emitted.

Examples
--------
>>> import boto3, boto3_connectparticipant_ext as cpx                  # doctest: +SKIP
>>> cpx.install()                                                      # doctest: +SKIP
>>> client = boto3.client("connectparticipant", region_name="us-east-1")  # doctest: +SKIP
>>> for item in client.iter_transcript(ConnectionToken=token):         # doctest: +SKIP
...     print(item["Id"])
"""

from __future__ import annotations

import threading
import warnings
from typing import TYPE_CHECKING, Any, Optional, Protocol, Union

from boto3_connectparticipant_ext import transcript as _transcript
from boto3_connectparticipant_ext.transfer import download as _download
from boto3_connectparticipant_ext.transfer import upload as _upload

if TYPE_CHECKING:
    import os

    from boto3_connectparticipant_ext.transcript import TranscriptIterator
    from boto3_connectparticipant_ext.transfer.config import TransferConfig
    from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, WritableBinary
    from boto3_connectparticipant_ext.transfer.progress import ProgressCallback

    PathArgument = Union[str, os.PathLike[str]]


class HelperNameConflictWarning(UserWarning):
    """botocore already defines a helper's name; botocore's method was kept."""


def iter_transcript(
    self: Any,
    ConnectionToken: Optional[str] = None,
    Order: Optional[str] = None,
    AfterId: Optional[str] = None,
    BeforeId: Optional[str] = None,
    ContactId: Optional[str] = None,
    MaxResults: int = _transcript.MAX_PAGE_SIZE,
    StartPosition: Optional[dict[str, Any]] = None,
    ScanDirection: Optional[str] = None,
    SortOrder: Optional[str] = None,
    NextToken: Optional[str] = None,
) -> TranscriptIterator:
    """Iterate over every item of the chat transcript, each ``Id`` exactly once.

    Pages are fetched one at a time (100 items each by default), so memory
    stays at one page whatever the transcript's length.

    :type ConnectionToken: str
    :param ConnectionToken: The connection token; omit it when the client has a
        bound token (``bind_tokens``).
    :type Order: str
    :param Order: ``"oldest-first"`` (default) or ``"newest-first"``.
    :type AfterId: str
    :param AfterId: Only the items after this item ``Id``, oldest first (what a
        reconnecting client needs); the item itself is not repeated.
    :type BeforeId: str
    :param BeforeId: Only the items before this item ``Id``, newest first.
    :type ContactId: str
    :param ContactId: Persistent chats: the contact whose transcript is wanted.
    :type MaxResults: int
    :param MaxResults: Page size, 1..100 (default 100).
    :param StartPosition, ScanDirection, SortOrder, NextToken: Raw GetTranscript
        positioning for experts; not combinable with Order/AfterId/BeforeId.
    :rtype: TranscriptIterator
    :returns: An iterator of transcript ``Item`` dicts. A failed call raises;
        calling ``next()`` again retries it without losing or repeating items,
        and ``iterator.last_id`` lets a new walk resume with ``AfterId``.

    Usage::

        for item in client.iter_transcript(ConnectionToken=token):
            print(item["AbsoluteTime"], item.get("DisplayName"), item.get("Content"))

        missed = list(client.iter_transcript(AfterId=last_seen_id))
    """
    return _transcript.iter_transcript(
        self, ConnectionToken=ConnectionToken, Order=Order, AfterId=AfterId, BeforeId=BeforeId,
        ContactId=ContactId, MaxResults=MaxResults, StartPosition=StartPosition,
        ScanDirection=ScanDirection, SortOrder=SortOrder, NextToken=NextToken,
    )  # fmt: skip


def upload_attachment(
    self: Any,
    Filename: PathArgument,
    ConnectionToken: Optional[str] = None,
    AttachmentName: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> str:
    """Upload a file as a chat attachment and return its ``AttachmentId``.

    Checks the file locally first (exists, not empty, within the size limit,
    allowed type, known content type), then StartAttachmentUpload, a streamed
    PUT carrying every ``HeadersToInclude`` header whose status is checked
    (retried on throttling, 5xx and connection errors while the URL is valid),
    and CompleteAttachmentUpload only after a good PUT.

    :type Filename: str
    :param Filename: The path of the file to upload.
    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token.
    :type AttachmentName: str
    :param AttachmentName: The name shown in the chat (default: the file's name).
    :type ContentType: str
    :param ContentType: MIME type (default: from the name, else from the bytes).
    :type Callback: function
    :param Callback: Called with the number of bytes sent since its last call,
        negative when a retry starts over. May be called from another thread.
    :type Config: boto3_connectparticipant_ext.transfer.TransferConfig
    :param Config: Chunk size, attempts, timeouts, size limit, allowed types,
        waiting for the attachment scan.
    :rtype: str
    :returns: The AttachmentId.

    Usage::

        attachment_id = client.upload_attachment("invoice.pdf", ConnectionToken=token)
    """
    return _upload.upload_attachment(
        self, Filename, ConnectionToken=ConnectionToken, AttachmentName=AttachmentName,
        ContentType=ContentType, Callback=Callback, Config=Config,
    )  # fmt: skip


def upload_attachment_fileobj(
    self: Any,
    Fileobj: ReadableBinary,
    AttachmentName: str,
    ConnectionToken: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> str:
    """Upload a binary file object as a chat attachment and return its ``AttachmentId``.

    A seekable object is sent from its current position to its end; a
    non-seekable stream is staged in a temporary file first (the service needs
    the size up front), stopping as soon as it exceeds the size limit.

    :type Fileobj: a binary file-like object
    :param Fileobj: The data to upload, opened in binary mode.
    :type AttachmentName: str
    :param AttachmentName: The name shown in the chat.
    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token.
    :type ContentType: str
    :param ContentType: MIME type (default: from the name, else from the bytes).
    :type Callback: function
    :param Callback: Progress in bytes, negative on a retry; may be called from
        another thread.
    :type Config: boto3_connectparticipant_ext.transfer.TransferConfig
    :param Config: The transfer configuration.
    :rtype: str
    :returns: The AttachmentId.

    Usage::

        with open("photo.png", "rb") as data:
            attachment_id = client.upload_attachment_fileobj(data, "photo.png")
    """
    return _upload.upload_attachment_fileobj(
        self, Fileobj, AttachmentName, ConnectionToken=ConnectionToken, ContentType=ContentType,
        Callback=Callback, Config=Config,
    )  # fmt: skip


def download_attachment(
    self: Any,
    AttachmentId: str,
    Filename: PathArgument,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    Overwrite: bool = False,
) -> str:
    """Download an attachment to a file and return the path written.

    The bytes go to a temporary file in the target's directory, renamed into
    place only once exactly ``AttachmentSizeInBytes`` bytes arrived; on failure
    nothing is left behind and an existing file is untouched.

    :type AttachmentId: str
    :param AttachmentId: The attachment to download.
    :type Filename: str
    :param Filename: The file to write (replaced when it exists), or an existing
        directory: the file is then named after the sanitized remote
        AttachmentName and an existing file of that name is kept unless
        ``Overwrite=True``.
    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token.
    :type Callback: function
    :param Callback: Progress in bytes, negative on a retry; may be called from
        another thread.
    :type Config: boto3_connectparticipant_ext.transfer.TransferConfig
    :param Config: The transfer configuration.
    :type Overwrite: bool
    :param Overwrite: Replace an existing file chosen from the remote name.
    :rtype: str
    :returns: The path of the downloaded file.

    Usage::

        path = client.download_attachment(attachment_id, "downloads/", ConnectionToken=token)
    """
    return _download.download_attachment(
        self, AttachmentId, Filename, ConnectionToken=ConnectionToken, Callback=Callback,
        Config=Config, Overwrite=Overwrite,
    )  # fmt: skip


def download_attachment_fileobj(
    self: Any,
    AttachmentId: str,
    Fileobj: WritableBinary,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> int:
    """Download an attachment into a binary file object and return the bytes written.

    A seekable object is truncated back to its starting position on failure; a
    non-seekable one receives nothing until the whole attachment was checked.

    :type AttachmentId: str
    :param AttachmentId: The attachment to download.
    :type Fileobj: a binary file-like object
    :param Fileobj: Where to write, opened in binary mode.
    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token.
    :type Callback: function
    :param Callback: Progress in bytes, negative on a retry; may be called from
        another thread.
    :type Config: boto3_connectparticipant_ext.transfer.TransferConfig
    :param Config: The transfer configuration.
    :rtype: int
    :returns: The number of bytes written.

    Usage::

        with open("copy.pdf", "wb") as out:
            client.download_attachment_fileobj(attachment_id, out)
    """
    return _download.download_attachment_fileobj(
        self, AttachmentId, Fileobj, ConnectionToken=ConnectionToken, Callback=Callback,
        Config=Config,
    )  # fmt: skip


def get_attachment_url(
    self: Any,
    AttachmentId: str,
    ConnectionToken: Optional[str] = None,
    ExpiresIn: Optional[int] = None,
) -> str:
    """Return a presigned download URL of an attachment.

    The URL is a credential: never log it or show it.

    :type AttachmentId: str
    :param AttachmentId: The attachment.
    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token.
    :type ExpiresIn: int
    :param ExpiresIn: Lifetime of the URL in seconds, 5..300 (default: the service's).
    :rtype: str
    :returns: The presigned URL.

    Usage::

        url = client.get_attachment_url(attachment_id, ExpiresIn=60)
    """
    return _download.get_attachment_url(
        self, AttachmentId, ConnectionToken=ConnectionToken, ExpiresIn=ExpiresIn
    )


HELPER_METHODS = {
    "iter_transcript": iter_transcript,
    "upload_attachment": upload_attachment,
    "upload_attachment_fileobj": upload_attachment_fileobj,
    "download_attachment": download_attachment,
    "download_attachment_fileobj": download_attachment_fileobj,
    "get_attachment_url": get_attachment_url,
}

_warned: set[str] = set()
_warned_lock = threading.Lock()


def inject_helper_methods(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    """Add the helper methods to a connectparticipant client class being created.

    Registered by the plugin on ``creating-client-class.connectparticipant``.
    A name botocore already defines keeps botocore's method; a
    :class:`HelperNameConflictWarning` is emitted once per name.

    Examples
    --------
    >>> attributes = {"get_attachment_url": "botocore's"}
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     inject_helper_methods(attributes)
    >>> attributes["get_attachment_url"], callable(attributes["iter_transcript"])
    ("botocore's", True)
    """
    del kwargs
    for name, method in HELPER_METHODS.items():
        existing = class_attributes.get(name)
        if existing is None or existing is method:
            class_attributes[name] = method
            continue
        with _warned_lock:
            first_time = name not in _warned
            _warned.add(name)
        if first_time:
            warnings.warn(
                f"botocore's connectparticipant client already has a method {name!r}; "
                "boto3-connectparticipant-ext keeps botocore's and does not add its own "
                f"(use boto3_connectparticipant_ext's plain function {name}(client, ...) instead)",
                HelperNameConflictWarning,
                stacklevel=2,
            )


class ConnectParticipantHelpers(Protocol):
    """The methods the plugin adds to connectparticipant clients, for type checkers.

    Combine it with the generated client type, or cast a client to it::

        helpers = typing.cast(ConnectParticipantHelpers, client)
        for item in helpers.iter_transcript(): ...
    """

    def iter_transcript(
        self,
        ConnectionToken: Optional[str] = ...,
        Order: Optional[str] = ...,
        AfterId: Optional[str] = ...,
        BeforeId: Optional[str] = ...,
        ContactId: Optional[str] = ...,
        MaxResults: int = ...,
        StartPosition: Optional[dict[str, Any]] = ...,
        ScanDirection: Optional[str] = ...,
        SortOrder: Optional[str] = ...,
        NextToken: Optional[str] = ...,
    ) -> TranscriptIterator: ...

    def upload_attachment(
        self,
        Filename: PathArgument,
        ConnectionToken: Optional[str] = ...,
        AttachmentName: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    def upload_attachment_fileobj(
        self,
        Fileobj: ReadableBinary,
        AttachmentName: str,
        ConnectionToken: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    def download_attachment(
        self,
        AttachmentId: str,
        Filename: PathArgument,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
        Overwrite: bool = ...,
    ) -> str: ...

    def download_attachment_fileobj(
        self,
        AttachmentId: str,
        Fileobj: WritableBinary,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> int: ...

    def get_attachment_url(
        self,
        AttachmentId: str,
        ConnectionToken: Optional[str] = ...,
        ExpiresIn: Optional[int] = ...,
    ) -> str: ...
