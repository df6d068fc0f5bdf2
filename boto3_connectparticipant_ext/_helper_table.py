"""The helper methods, declared once: name, engine function, documentation.

Each helper's signature is its engine function's public part (``transcript.iter_transcript``,
``transfer.upload_attachment``, ...: the client first, then boto3's CamelCase names, the
options keyword-only; see :func:`method_signature`). From this table come the sync delegates
and the injection (:mod:`boto3_connectparticipant_ext.inject`) and the async delegates
(:mod:`boto3_connectparticipant_ext.aio.inject`); the static types (``inject``'s Protocol,
``typed.AsyncConnectParticipantHelpers``) and the async functions are checked against it by
``tests/unit/core/test_helper_table.py``.

Examples
--------
>>> [helper.name for helper in HELPERS][:2]
['iter_transcript', 'upload_attachment']
>>> list(method_signature(HELPERS[5].engine).parameters)
['self', 'AttachmentId', 'ConnectionToken', 'ExpiresIn']
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import textwrap
from typing import Any, Callable


@dataclasses.dataclass(frozen=True)
class Helper:
    """One helper method: ``engine(client, ...)`` does the work; the rest documents it.

    The engine is named (``"module:function"``) and imported on first use: the table, and
    with it a client class's helper names, costs no import of the transfer package.
    """

    name: str
    engine_ref: str
    doc: str
    usage: str
    async_usage: str
    # The async form returns an async iterator (``async for``) instead of a coroutine.
    iterates: bool = False

    @property
    def engine(self) -> Callable[..., Any]:
        """The engine function (its module imported on first use)."""
        module, _, function = self.engine_ref.partition(":")
        engine: Callable[..., Any] = getattr(importlib.import_module(module), function)
        return engine

    def docstring(self, *, asynchronous: bool) -> str:
        usage = textwrap.indent(self.async_usage if asynchronous else self.usage, " " * 8)
        return f"{self.doc.rstrip()}\n\n    Usage::\n\n{usage.rstrip()}\n    "


def method_signature(function: Callable[..., Any]) -> inspect.Signature:
    """``function``'s public signature: the client named ``self``, then its CamelCase parameters.

    Lower-case keyword parameters of an engine (``osutil``, ``http``) are test seams, not part of
    the method.
    """
    signature = inspect.signature(function)
    first, *rest = signature.parameters.values()
    public = [parameter for parameter in rest if parameter.name[:1].isupper()]
    return signature.replace(parameters=[first.replace(name="self"), *public])


_TOKEN = """    :type ConnectionToken: str
    :param ConnectionToken: Omit it when the client has a bound token (``bind_tokens``)."""
_PROGRESS = """    :type Callback: function
    :param Callback: Called with the number of bytes moved since its last call, negative when a
        retry starts over. May be called from another thread (the event loop's, when async).
    :type Config: boto3_connectparticipant_ext.transfer.TransferConfig
    :param Config: Chunk size, attempts, timeouts, size limit, allowed types, scan wait."""

HELPERS = (
    Helper(
        "iter_transcript",
        "boto3_connectparticipant_ext.transcript:iter_transcript",
        f"""Iterate over every item of the chat transcript, each ``Id`` exactly once.

    Pages are fetched one at a time (100 items each by default), so memory stays at one page
    whatever the transcript's length.

{_TOKEN}
    :type Order: str
    :param Order: ``"oldest-first"`` (default) or ``"newest-first"``.
    :type AfterId: str
    :param AfterId: Only the items after this item ``Id``, oldest first (what a reconnecting
        client needs); the item itself is not repeated.
    :type BeforeId: str
    :param BeforeId: Only the items before this item ``Id``, newest first.
    :type ContactId: str
    :param ContactId: Persistent chats: the contact whose transcript is wanted.
    :type MaxResults: int
    :param MaxResults: Page size, 1..100 (default 100).
    :param StartPosition, ScanDirection, SortOrder, NextToken: Raw GetTranscript positioning
        for experts; not combinable with Order/AfterId/BeforeId.
    :returns: An iterator of transcript ``Item`` dicts. A failed call raises; asking for the
        next item again retries it without losing or repeating items, and ``last_id`` lets a
        new walk resume with ``AfterId``.""",
        """for item in client.iter_transcript(ConnectionToken=token):
    print(item["AbsoluteTime"], item.get("DisplayName"), item.get("Content"))

missed = list(client.iter_transcript(AfterId=last_seen_id))""",
        """async for item in client.iter_transcript(ConnectionToken=token):
    print(item["Id"], item.get("Content"))""",
        iterates=True,
    ),
    Helper(
        "upload_attachment",
        "boto3_connectparticipant_ext.transfer.upload:upload_attachment",
        f"""Upload a file as a chat attachment and return its ``AttachmentId``.

    Checks the file locally first (exists, not empty, within the size limit, allowed type,
    known content type), then StartAttachmentUpload, a streamed PUT carrying every
    ``HeadersToInclude`` header whose status is checked (retried on throttling, 5xx and
    connection errors while the URL is valid), and CompleteAttachmentUpload only after a good
    PUT.

    :type Filename: str
    :param Filename: The path of the file to upload.
{_TOKEN}
    :type AttachmentName: str
    :param AttachmentName: The name shown in the chat (default: the file's name).
    :type ContentType: str
    :param ContentType: MIME type (default: from the name, else from the bytes).
{_PROGRESS}
    :rtype: str
    :returns: The AttachmentId.""",
        """attachment_id = client.upload_attachment("invoice.pdf", ConnectionToken=token)""",
        """attachment_id = await client.upload_attachment("invoice.pdf", ConnectionToken=token)""",
    ),
    Helper(
        "upload_attachment_fileobj",
        "boto3_connectparticipant_ext.transfer.upload:upload_attachment_fileobj",
        f"""Upload a binary file object as a chat attachment and return its ``AttachmentId``.

    A seekable object is sent from its current position to its end; a non-seekable stream is
    staged in a temporary file first (the service needs the size up front), stopping as soon
    as it exceeds the size limit.

    :type Fileobj: a binary file-like object
    :param Fileobj: The data to upload, opened in binary mode.
    :type AttachmentName: str
    :param AttachmentName: The name shown in the chat.
{_TOKEN}
    :type ContentType: str
    :param ContentType: MIME type (default: from the name, else from the bytes).
{_PROGRESS}
    :rtype: str
    :returns: The AttachmentId.""",
        """with open("photo.png", "rb") as data:
    attachment_id = client.upload_attachment_fileobj(data, "photo.png")""",
        """with open("photo.png", "rb") as data:
    attachment_id = await client.upload_attachment_fileobj(data, "photo.png")""",
    ),
    Helper(
        "download_attachment",
        "boto3_connectparticipant_ext.transfer.download:download_attachment",
        f"""Download an attachment to a file and return the path written.

    The bytes go to a temporary file in the target's directory, renamed into place only once
    exactly ``AttachmentSizeInBytes`` bytes arrived; on failure nothing is left behind and an
    existing file is untouched.

    :type AttachmentId: str
    :param AttachmentId: The attachment to download.
    :type Filename: str
    :param Filename: The file to write (replaced when it exists), or an existing directory:
        the file is then named after the sanitized remote AttachmentName and an existing file
        of that name is kept unless ``Overwrite=True``.
{_TOKEN}
{_PROGRESS}
    :type Overwrite: bool
    :param Overwrite: Replace an existing file chosen from the remote name.
    :rtype: str
    :returns: The path of the downloaded file.""",
        """path = client.download_attachment(attachment_id, "downloads/", ConnectionToken=token)""",
        """path = await client.download_attachment(attachment_id, "downloads/")""",
    ),
    Helper(
        "download_attachment_fileobj",
        "boto3_connectparticipant_ext.transfer.download:download_attachment_fileobj",
        f"""Download an attachment into a binary file object and return the bytes written.

    A seekable object is truncated back to its starting position on failure; a non-seekable
    one receives nothing until the whole attachment was checked.

    :type AttachmentId: str
    :param AttachmentId: The attachment to download.
    :type Fileobj: a binary file-like object
    :param Fileobj: Where to write, opened in binary mode.
{_TOKEN}
{_PROGRESS}
    :rtype: int
    :returns: The number of bytes written.""",
        """with open("copy.pdf", "wb") as out:
    client.download_attachment_fileobj(attachment_id, out)""",
        """size = await client.download_attachment_fileobj(attachment_id, buffer)""",
    ),
    Helper(
        "get_attachment_url",
        "boto3_connectparticipant_ext.transfer.download:get_attachment_url",
        f"""Return a presigned download URL of an attachment.

    The URL is a credential: never log it or show it.

    :type AttachmentId: str
    :param AttachmentId: The attachment.
{_TOKEN}
    :type ExpiresIn: int
    :param ExpiresIn: Lifetime of the URL in seconds, 5..300 (default: the service's).
    :rtype: str
    :returns: The presigned URL.""",
        """url = client.get_attachment_url(attachment_id, ExpiresIn=60)""",
        """url = await client.get_attachment_url(attachment_id, ExpiresIn=60)""",
    ),
)

HELPER_NAMES = tuple(helper.name for helper in HELPERS)
