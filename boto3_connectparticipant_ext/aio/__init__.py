"""asyncio support: aiobotocore and aioboto3 clients, async transcript and attachment helpers.

:func:`boto3_connectparticipant_ext.install` covers aiobotocore sessions too (and aioboto3, which
creates its clients through them): connectparticipant clients are unsigned, never look up AWS
credentials, use our model and get async helper methods. The helpers are also available as
functions here, taking the client as first argument.

Examples
--------
>>> import aiobotocore.session  # doctest: +SKIP
>>> import boto3_connectparticipant_ext as cpx  # doctest: +SKIP
>>> cpx.install()  # doctest: +SKIP
>>> async with aiobotocore.session.get_session().create_client(  # doctest: +SKIP
...     "connectparticipant", region_name="us-east-1"
... ) as client:
...     async for item in client.iter_transcript(ConnectionToken=token):
...         print(item.get("Content"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from boto3_connectparticipant_ext.aio.transcript import (
        AsyncTranscriptIterator,
        iter_transcript,
    )
    from boto3_connectparticipant_ext.aio.transfer import (
        TransferCancelledError,
        download_attachment,
        download_attachment_fileobj,
        get_attachment_url,
        upload_attachment,
        upload_attachment_fileobj,
    )

__all__ = [
    "AsyncTranscriptIterator",
    "TransferCancelledError",
    "download_attachment",
    "download_attachment_fileobj",
    "get_attachment_url",
    "iter_transcript",
    "upload_attachment",
    "upload_attachment_fileobj",
]

# Loaded on first use: importing aiobotocore runs ``aio._patch`` through this package, and that
# must not pull in the transfer engine.
_LAZY = {
    "AsyncTranscriptIterator": "boto3_connectparticipant_ext.aio.transcript",
    "iter_transcript": "boto3_connectparticipant_ext.aio.transcript",
    "TransferCancelledError": "boto3_connectparticipant_ext.aio.transfer",
    "download_attachment": "boto3_connectparticipant_ext.aio.transfer",
    "download_attachment_fileobj": "boto3_connectparticipant_ext.aio.transfer",
    "get_attachment_url": "boto3_connectparticipant_ext.aio.transfer",
    "upload_attachment": "boto3_connectparticipant_ext.aio.transfer",
    "upload_attachment_fileobj": "boto3_connectparticipant_ext.aio.transfer",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)
