"""``async for item in iter_transcript(client)``: the transcript iterator for aiobotocore clients.

The walking logic (positioning, paging, de-duplication by ``Id``, the loop guard, resuming after
an error) is the sync engine's, :class:`boto3_connectparticipant_ext.transcript.TranscriptIterator`,
reused as is: it is driven with a stand-in client whose ``get_transcript`` hands over the page the
async side has just awaited. When the sync iterator needs a page it does not have yet, the
stand-in raises; the engine's contract is that an error leaves it in place and the next
``next()`` asks for the same page again, so the async side awaits that page on the real client and
steps the engine once more.

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


class _PageNeeded(Exception):
    """Raised by the stand-in client: the engine wants a page that has not been fetched yet."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        super().__init__("GetTranscript page not fetched yet")
        self.parameters = parameters


class _PageHandOver:
    """The stand-in client the sync engine calls; it returns the page awaited for it."""

    def __init__(self) -> None:
        self._ready: Optional[tuple[dict[str, Any], Any]] = None

    def hand_over(self, parameters: dict[str, Any], response: Any) -> None:
        self._ready = (parameters, response)

    def get_transcript(self, **parameters: Any) -> Any:
        ready, self._ready = self._ready, None
        if ready is None or ready[0] != parameters:
            raise _PageNeeded(parameters)
        return ready[1]


class AsyncTranscriptIterator(AsyncIterator[Item]):
    """An async iterator over transcript items; same guarantees as the sync one.

    ``last_id``, ``initial_contact_id`` and ``pages`` mean what they mean on
    :class:`~boto3_connectparticipant_ext.transcript.TranscriptIterator`. After an error, awaiting
    the next item again retries the same page without losing or repeating an item.
    """

    def __init__(
        self, client: Any, engine: _engine.TranscriptIterator, pages: _PageHandOver
    ) -> None:
        self._client = client
        self._engine = engine
        self._pages = pages

    def __repr__(self) -> str:
        return f"Async{self._engine!r}"

    @property
    def last_id(self) -> Optional[str]:
        """The ``Id`` of the last item yielded."""
        return self._engine.last_id

    @property
    def initial_contact_id(self) -> Optional[str]:
        """The ``InitialContactId`` the service reported (after the first page)."""
        return self._engine.initial_contact_id

    @property
    def pages(self) -> int:
        """The number of GetTranscript calls that succeeded."""
        return self._engine.pages

    def __aiter__(self) -> AsyncTranscriptIterator:
        return self

    async def __anext__(self) -> Item:
        while True:
            try:
                return next(self._engine)
            except StopIteration:
                raise StopAsyncIteration from None
            except _PageNeeded as needed:
                response = await self._client.get_transcript(**needed.parameters)
                self._pages.hand_over(needed.parameters, response)


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
    pages = _PageHandOver()
    engine = _engine.iter_transcript(
        pages,
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
    return AsyncTranscriptIterator(client, engine, pages)
