"""Attachment upload and download for aiobotocore clients, without blocking the event loop.

The transfer engine (:mod:`boto3_connectparticipant_ext.transfer`: local checks, the presigned
PUT/GET with retries, atomic files, progress) is reused whole. It runs in a worker thread, where
it sees a blocking stand-in of the aiobotocore client: each participant-API call it makes
(StartAttachmentUpload, CompleteAttachmentUpload, GetAttachment, GetTranscript) is sent back to
the event loop and awaited on the real client, so those calls keep the client's own session,
retries and hooks. The bytes go over urllib3 in the worker thread, configured from the client's
settings (proxies, CA bundle, timeouts) exactly as for a sync client.

``Callback`` is called on the event loop thread. Cancelling the awaiting task stops the transfer
at its next chunk; the call returns only after the engine has cleaned up (no temporary file is
left behind and an upload is never completed half-sent).

Examples
--------
>>> async def send_and_fetch(client):  # doctest: +SKIP
...     attachment_id = await upload_attachment(client, "invoice.pdf", ConnectionToken=token)
...     return await download_attachment(client, attachment_id, "copy.pdf", ConnectionToken=token)
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import Awaitable
from typing import Any, Callable, Optional, TypeVar, Union

from boto3_connectparticipant_ext import transfer as _engine
from boto3_connectparticipant_ext._validation import check_client
from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    TransferCancelledError as TransferCancelledError,  # re-exported by aio
)
from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, WritableBinary
from boto3_connectparticipant_ext.transfer.progress import ProgressCallback

T = TypeVar("T")
PathArgument = Union[str, "os.PathLike[str]"]


class _BlockingClient:
    """What the engine sees in its worker thread: a blocking view of an aiobotocore client."""

    def __init__(
        self, client: Any, loop: asyncio.AbstractEventLoop, cancelled: threading.Event
    ) -> None:
        # The engine checks the client again, but this view needs its meta first.
        check_client(client, needs=("get_attachment",))
        self._client = client
        self._loop = loop
        self._cancelled = cancelled
        # The engine reads the client's settings from these (proxies, timeouts, CA bundle).
        self.meta = client.meta
        self._endpoint = getattr(client, "_endpoint", None)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return functools.partial(self._call_on_loop, attribute)

    def _call_on_loop(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._cancelled.is_set():
            raise TransferCancelledError("the transfer was cancelled")

        async def call() -> Any:
            result = method(*args, **kwargs)
            return await result if isinstance(result, Awaitable) else result

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result()


async def _in_worker_thread(
    client: Any,
    function: Callable[..., T],
    *args: Any,
    Callback: Optional[ProgressCallback],
    **kwargs: Any,
) -> T:
    loop = asyncio.get_running_loop()
    cancelled = threading.Event()
    if Callback is not None and not callable(Callback):
        raise _engine.TransferConfigError("Callback must be callable")

    def progress(amount: int) -> None:
        if cancelled.is_set():
            raise TransferCancelledError("the transfer was cancelled")
        if Callback is not None:
            loop.call_soon_threadsafe(Callback, amount)

    blocking = _BlockingClient(client, loop, cancelled)
    job = functools.partial(function, blocking, *args, Callback=progress, **kwargs)
    future = loop.run_in_executor(None, job)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        cancelled.set()
        # Wait for the engine to stop and clean up before reporting the cancellation.
        with contextlib.suppress(Exception):
            await future
        raise


async def upload_attachment(
    client: Any,
    Filename: PathArgument,
    *,
    ConnectionToken: Optional[str] = None,
    AttachmentName: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> str:
    """Upload a file as a chat attachment and return its ``AttachmentId``.

    The arguments and errors are those of
    :func:`boto3_connectparticipant_ext.transfer.upload_attachment`.

    Examples
    --------
    >>> attachment_id = await upload_attachment(client, "invoice.pdf")  # doctest: +SKIP
    """
    return await _in_worker_thread(
        client,
        _engine.upload_attachment,
        Filename,
        ConnectionToken=ConnectionToken,
        AttachmentName=AttachmentName,
        ContentType=ContentType,
        Config=Config,
        Callback=Callback,
    )


async def upload_attachment_fileobj(
    client: Any,
    Fileobj: ReadableBinary,
    AttachmentName: str,
    *,
    ConnectionToken: Optional[str] = None,
    ContentType: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> str:
    """Upload the rest of a binary file object as a chat attachment; return its ``AttachmentId``.

    See :func:`boto3_connectparticipant_ext.transfer.upload_attachment_fileobj`.

    Examples
    --------
    >>> with open("photo.png", "rb") as data:  # doctest: +SKIP
    ...     attachment_id = await upload_attachment_fileobj(client, data, "photo.png")
    """
    return await _in_worker_thread(
        client,
        _engine.upload_attachment_fileobj,
        Fileobj,
        AttachmentName,
        ConnectionToken=ConnectionToken,
        ContentType=ContentType,
        Config=Config,
        Callback=Callback,
    )


async def download_attachment(
    client: Any,
    AttachmentId: str,
    Filename: PathArgument,
    *,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
    Overwrite: bool = False,
) -> str:
    """Download an attachment to a file (atomically) and return the path written.

    See :func:`boto3_connectparticipant_ext.transfer.download_attachment`; a directory as
    ``Filename`` uses the attachment's sanitized remote name.

    Examples
    --------
    >>> path = await download_attachment(client, attachment_id, "downloads/")  # doctest: +SKIP
    """
    return await _in_worker_thread(
        client,
        _engine.download_attachment,
        AttachmentId,
        Filename,
        ConnectionToken=ConnectionToken,
        Config=Config,
        Overwrite=Overwrite,
        Callback=Callback,
    )


async def download_attachment_fileobj(
    client: Any,
    AttachmentId: str,
    Fileobj: WritableBinary,
    *,
    ConnectionToken: Optional[str] = None,
    Callback: Optional[ProgressCallback] = None,
    Config: Optional[TransferConfig] = None,
) -> int:
    """Download an attachment into a binary file object; return the number of bytes written.

    See :func:`boto3_connectparticipant_ext.transfer.download_attachment_fileobj`.

    Examples
    --------
    >>> size = await download_attachment_fileobj(client, attachment_id, buffer)  # doctest: +SKIP
    """
    return await _in_worker_thread(
        client,
        _engine.download_attachment_fileobj,
        AttachmentId,
        Fileobj,
        ConnectionToken=ConnectionToken,
        Config=Config,
        Callback=Callback,
    )


async def get_attachment_url(
    client: Any,
    AttachmentId: str,
    *,
    ConnectionToken: Optional[str] = None,
    ExpiresIn: Optional[int] = None,
) -> str:
    """Return a presigned download URL of an attachment (a secret: do not log it).

    Examples
    --------
    >>> url = await get_attachment_url(client, attachment_id, ExpiresIn=60)  # doctest: +SKIP
    """
    loop = asyncio.get_running_loop()
    blocking = _BlockingClient(client, loop, threading.Event())
    job = functools.partial(
        _engine.get_attachment_url,
        blocking,
        AttachmentId,
        ConnectionToken=ConnectionToken,
        ExpiresIn=ExpiresIn,
    )
    return await loop.run_in_executor(None, job)
