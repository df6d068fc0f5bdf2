"""Attach the async helper methods to aiobotocore connectparticipant client classes.

Called by the core's ``creating-client-class.connectparticipant`` handler when the class being
built derives from aiobotocore's ``AioBaseClient``. Each method is a thin delegate to
:mod:`boto3_connectparticipant_ext.aio`; a name botocore already defines is kept and a warning is
logged once, so a future botocore method is never shadowed.

Examples
--------
>>> async with session.create_client("connectparticipant") as client:  # doctest: +SKIP
...     async for item in client.iter_transcript(ConnectionToken=token):
...         ...
...     attachment_id = await client.upload_attachment("invoice.pdf", ConnectionToken=token)
"""

from __future__ import annotations

import logging
from typing import Any

from boto3_connectparticipant_ext.aio import transcript as _transcript
from boto3_connectparticipant_ext.aio import transfer as _transfer

logger = logging.getLogger(__name__)
_warned: set[str] = set()


def iter_transcript(self: Any, **kwargs: Any) -> _transcript.AsyncTranscriptIterator:
    """Iterate asynchronously over every transcript item, each ``Id`` once.

    Takes the keyword arguments of :func:`boto3_connectparticipant_ext.aio.iter_transcript`.

    Usage::

        async for item in client.iter_transcript(ConnectionToken=token, Order="newest-first"):
            print(item["Id"], item.get("Content"))
    """
    return _transcript.iter_transcript(self, **kwargs)


async def upload_attachment(self: Any, Filename: Any, **kwargs: Any) -> str:
    """Upload a file as a chat attachment and return its ``AttachmentId``.

    Takes the arguments of :func:`boto3_connectparticipant_ext.aio.upload_attachment`.

    Usage::

        attachment_id = await client.upload_attachment("invoice.pdf", ConnectionToken=token)
    """
    return await _transfer.upload_attachment(self, Filename, **kwargs)


async def upload_attachment_fileobj(
    self: Any, Fileobj: Any, AttachmentName: str, **kwargs: Any
) -> str:
    """Upload a binary file object as a chat attachment and return its ``AttachmentId``.

    Usage::

        with open("photo.png", "rb") as data:
            attachment_id = await client.upload_attachment_fileobj(data, "photo.png")
    """
    return await _transfer.upload_attachment_fileobj(self, Fileobj, AttachmentName, **kwargs)


async def download_attachment(self: Any, AttachmentId: str, Filename: Any, **kwargs: Any) -> str:
    """Download an attachment to a file (atomically) and return the path written.

    Usage::

        path = await client.download_attachment(attachment_id, "downloads/")
    """
    return await _transfer.download_attachment(self, AttachmentId, Filename, **kwargs)


async def download_attachment_fileobj(
    self: Any, AttachmentId: str, Fileobj: Any, **kwargs: Any
) -> int:
    """Download an attachment into a binary file object; return the bytes written.

    Usage::

        size = await client.download_attachment_fileobj(attachment_id, buffer)
    """
    return await _transfer.download_attachment_fileobj(self, AttachmentId, Fileobj, **kwargs)


async def get_attachment_url(self: Any, AttachmentId: str, **kwargs: Any) -> str:
    """Return a presigned download URL of an attachment (a secret: do not log it).

    Usage::

        url = await client.get_attachment_url(attachment_id, ExpiresIn=60)
    """
    return await _transfer.get_attachment_url(self, AttachmentId, **kwargs)


ASYNC_HELPERS = {
    "iter_transcript": iter_transcript,
    "upload_attachment": upload_attachment,
    "upload_attachment_fileobj": upload_attachment_fileobj,
    "download_attachment": download_attachment,
    "download_attachment_fileobj": download_attachment_fileobj,
    "get_attachment_url": get_attachment_url,
}


def inject_async_helper_methods(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    """``creating-client-class`` handler body: add the async helpers to ``class_attributes``.

    Examples
    --------
    >>> attributes: dict[str, Any] = {}
    >>> inject_async_helper_methods(attributes)
    >>> sorted(attributes)[:2]
    ['download_attachment', 'download_attachment_fileobj']
    """
    for name, method in ASYNC_HELPERS.items():
        if name in class_attributes:
            if name not in _warned:
                _warned.add(name)
                logger.warning(
                    "connectparticipant clients already have %s(); keeping botocore's method", name
                )
            continue
        class_attributes[name] = method
