"""``async for item in iter_transcript(client)``: the transcript iterator for aiobotocore clients.

The thin asyncio driver of :class:`boto3_connectparticipant_ext.transcript.TranscriptWalk`, the
same sans-I/O engine the sync iterator drives: positioning, paging, de-duplication by ``Id``,
the loop guard on repeated ``NextToken`` values, and resuming after an error (a failed call is
not fed to the walk, so awaiting the next item again asks for the same page).

Examples
--------
>>> async def print_transcript(client):  # doctest: +SKIP
...     async for item in iter_transcript(client, ConnectionToken=token):
...         print(item.get("DisplayName"), item.get("Content"))
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Optional

from boto3_connectparticipant_ext import transcript as _engine
from boto3_connectparticipant_ext._validation import check_client

Item = dict[str, Any]


class AsyncTranscriptIterator(_engine._WalkView, AsyncIterator[Item]):
    """An async iterator over transcript items; same guarantees as the sync one.

    ``last_id``, ``initial_contact_id`` and ``pages`` mean what they mean on
    :class:`~boto3_connectparticipant_ext.transcript.TranscriptIterator`. After an error, awaiting
    the next item again retries the same page without losing or repeating an item.
    """

    def __init__(self, client: Any, walk: _engine.TranscriptWalk) -> None:
        self._client = client
        self._walk = walk

    def __repr__(self) -> str:
        return f"AsyncTranscriptIterator({self._walk.state()})"

    def __aiter__(self) -> AsyncTranscriptIterator:
        return self

    async def __anext__(self) -> Item:
        walk = self._walk
        while True:
            item = walk.next_item()
            if item is not None:
                return item
            request = walk.next_request()
            if request is None:
                raise StopAsyncIteration
            walk.receive(await self._client.get_transcript(**request))


def iter_transcript(
    client: Any,
    *,
    ConnectionToken: Optional[str] = None,
    Order: Optional[str] = None,
    AfterId: Optional[str] = None,
    BeforeId: Optional[str] = None,
    ContactId: Optional[str] = None,
    MaxResults: int = _engine.MAX_PAGE_SIZE,
    StartPosition: Optional[dict[str, Any]] = None,
    ScanDirection: Optional[str] = None,
    SortOrder: Optional[str] = None,
    NextToken: Optional[str] = None,
) -> AsyncTranscriptIterator:
    """Iterate asynchronously over every transcript item, each ``Id`` exactly once.

    Takes the arguments of :func:`boto3_connectparticipant_ext.transcript.iter_transcript`
    (``Order="oldest-first"`` by default, ``"newest-first"``, ``AfterId``, ``BeforeId``, ...);
    invalid combinations raise ``TranscriptArgumentError`` at once, before any network call.

    Examples
    --------
    >>> async with session.create_client("connectparticipant") as client:  # doctest: +SKIP
    ...     async for item in iter_transcript(client, ConnectionToken=token, Order="newest-first"):
    ...         print(item["Id"])
    """
    check_client(client, needs=("get_transcript",))
    walk = _engine.transcript_walk(
        ConnectionToken=ConnectionToken,
        Order=Order,
        AfterId=AfterId,
        BeforeId=BeforeId,
        ContactId=ContactId,
        MaxResults=MaxResults,
        StartPosition=StartPosition,
        ScanDirection=ScanDirection,
        SortOrder=SortOrder,
        NextToken=NextToken,
    )
    return AsyncTranscriptIterator(client, walk)
