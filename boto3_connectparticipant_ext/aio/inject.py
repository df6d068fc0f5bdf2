"""Attach the async helper methods to aiobotocore connectparticipant client classes.

Called through the aiobotocore client flavour (``aio._patch.client_flavour``) when the class being
built derives from aiobotocore's ``AioBaseClient``. The methods are derived from the same
declaration table and by the same :func:`~boto3_connectparticipant_ext.inject.delegates` as the
sync ones, each delegating to its function in :mod:`boto3_connectparticipant_ext.aio`; the
name-clash policy is the sync one (botocore's method kept, one ``HelperNameConflictWarning`` per
name).

Examples
--------
>>> async with session.create_client("connectparticipant") as client:  # doctest: +SKIP
...     async for item in client.iter_transcript(ConnectionToken=token):
...         ...
...     attachment_id = await client.upload_attachment("invoice.pdf", ConnectionToken=token)
"""

from __future__ import annotations

from typing import Any, Callable

from boto3_connectparticipant_ext.aio import transcript as _transcript
from boto3_connectparticipant_ext.aio import transfer as _transfer
from boto3_connectparticipant_ext.inject import delegates, inject_helper_methods

ASYNC_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "iter_transcript": _transcript.iter_transcript,
    "upload_attachment": _transfer.upload_attachment,
    "upload_attachment_fileobj": _transfer.upload_attachment_fileobj,
    "download_attachment": _transfer.download_attachment,
    "download_attachment_fileobj": _transfer.download_attachment_fileobj,
    "get_attachment_url": _transfer.get_attachment_url,
}
ASYNC_HELPERS = delegates(ASYNC_FUNCTIONS, asynchronous=True)


def inject_async_helper_methods(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    """``creating-client-class`` handler body: add the async helpers to ``class_attributes``.

    Examples
    --------
    >>> attributes: dict[str, Any] = {}
    >>> inject_async_helper_methods(attributes)
    >>> sorted(attributes)[:2]
    ['download_attachment', 'download_attachment_fileobj']
    """
    inject_helper_methods(class_attributes, methods=ASYNC_HELPERS, **kwargs)
