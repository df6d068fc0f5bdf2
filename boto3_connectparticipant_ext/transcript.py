"""Walk a chat transcript item by item, across every page, each item exactly once.

GetTranscript returns at most 100 items per call and its positioning rules are
easy to get wrong (``ScanDirection`` FORWARD needs a ``StartPosition``; the
defaults walk backwards, newest first, 10 at a time). :func:`iter_transcript`
hides them behind two friendly keywords:

``Order="oldest-first"`` (default)
    The whole transcript in reading order. Asks for FORWARD/ASCENDING from the
    start of time (``StartPosition.AbsoluteTime`` at the Unix epoch).
``Order="newest-first"``
    The whole transcript, most recent first (BACKWARD/DESCENDING).
``AfterId=...``
    Only the items after a given item, oldest first: what a reconnecting client
    needs to fill the gap. The item ``AfterId`` itself is never yielded.
``BeforeId=...``
    Only the items before a given item, newest first (resuming a newest-first walk).

Experts may instead pass the raw ``StartPosition``, ``ScanDirection``,
``SortOrder`` and ``NextToken``; items then come in the service's order.

Memory stays at one page (plus a 16-byte digest per page's ``NextToken``)
whatever the transcript's length. A ``NextToken`` the walk has already used
(the previous one, or any earlier one: a cycle through several pages) raises
:class:`TranscriptPaginationError` instead of walking forever. Items repeated
across a page boundary (when items arrive while walking) are dropped by
``Id``. Throttling and 5xx are retried by botocore; when a call still fails,
the error propagates and the iterator keeps its place: call ``next()`` on it
again (for example after a pause) and it carries on with the same page,
neither losing nor repeating an item. To resume in a new process, start a new
walk with ``AfterId=iterator.last_id`` (or ``BeforeId=`` for newest-first).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator
from typing import Any, Optional

from boto3_connectparticipant_ext._validation import check_client, token_argument
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError

OLDEST_FIRST = "oldest-first"
NEWEST_FIRST = "newest-first"
ORDERS = (OLDEST_FIRST, NEWEST_FIRST)
#: GetTranscript's largest page.
MAX_PAGE_SIZE = 100
#: The start of time, as a GetTranscript ``StartPosition.AbsoluteTime``.
EPOCH = "1970-01-01T00:00:00.000Z"
_MAX_ID_LENGTH = 256

Item = dict[str, Any]


class TranscriptError(ConnectParticipantExtError):
    """Base class of the transcript iterator's errors."""


class TranscriptArgumentError(TranscriptError, ValueError):
    """The arguments of :func:`iter_transcript` contradict each other or are invalid."""


class TranscriptResponseError(TranscriptError):
    """GetTranscript answered without a ``Transcript`` (a truncated or malformed response).

    botocore accepts a JSON body cut short by a dropped connection and parses
    it as an empty answer; treating that as the end would silently lose the
    rest of the transcript. The iterator keeps its place: ``next()`` retries.
    """


class TranscriptPaginationError(TranscriptError):
    """The service returned a ``NextToken`` this walk already used; the walk would never end."""


class TranscriptWalk:
    """The transcript walk without I/O: which request comes next, what a page yields.

    A driver loops: take :meth:`next_item` until it returns ``None``, then send
    :meth:`next_request` (``None`` once the walk is over) and feed the answer to
    :meth:`receive`. A failed call is simply not fed: the walk keeps its place and the
    same request comes next. Both :class:`TranscriptIterator` (sync) and
    ``aio.transcript.AsyncTranscriptIterator`` drive this one engine.

    Examples
    --------
    >>> walk = TranscriptWalk({"MaxResults": 2})
    >>> walk.next_item() is None, walk.next_request()
    (True, {'MaxResults': 2})
    >>> walk.receive({"Transcript": [{"Id": "a"}, {"Id": "b"}], "NextToken": "t1"})
    >>> walk.next_item()["Id"], walk.next_item()["Id"], walk.next_item()
    ('a', 'b', None)
    >>> walk.next_request()
    {'MaxResults': 2, 'NextToken': 't1'}
    >>> walk.receive({"Transcript": [{"Id": "b"}, {"Id": "c"}]})
    >>> [walk.next_item()["Id"], walk.next_item(), walk.next_request(), walk.last_id]
    ['c', None, None, 'c']
    """

    def __init__(
        self,
        request: dict[str, Any],
        *,
        skip_id: Optional[str] = None,
        next_token: Optional[str] = None,
    ) -> None:
        self._request = request
        self._skip_id = skip_id
        self._next_token = next_token
        self.buffer: deque[Item] = deque()
        self.finished = False
        self._previous_ids: frozenset[str] = frozenset()
        # Digests of every NextToken asked for: any repeat (not only the last) is a cycle.
        self._used_tokens: set[bytes] = set()
        if next_token is not None:
            self._used_tokens.add(_token_digest(next_token))
        self.last_id: Optional[str] = skip_id
        self.initial_contact_id: Optional[str] = None
        self.pages = 0

    def __repr__(self) -> str:
        return f"TranscriptWalk({self.state()})"

    def state(self) -> str:
        """Pages received, items buffered and whether the walk is over (for reprs)."""
        return f"pages={self.pages}, buffered={len(self.buffer)}, finished={self.finished}"

    def next_item(self) -> Optional[Item]:
        """The next item of the pages received, or ``None`` when a page (or the end) is due."""
        if not self.buffer:
            return None
        item = self.buffer.popleft()
        self.last_id = item.get("Id", self.last_id)
        return item

    def next_request(self) -> Optional[dict[str, Any]]:
        """The GetTranscript parameters of the next page, or ``None`` when the walk is over."""
        if self.finished:
            return None
        parameters = dict(self._request)
        if self._next_token is not None:
            parameters["NextToken"] = self._next_token
        return parameters

    def receive(self, response: Any) -> None:
        """Take the answer to :meth:`next_request`: check it, buffer its new items, move on.

        On an error nothing changes: the same request comes next.
        """
        if not isinstance(response.get("Transcript"), list):
            raise TranscriptResponseError(
                "GetTranscript answered without a Transcript (truncated or malformed response); "
                "call next() again to retry this page"
            )
        self.pages += 1
        if self.initial_contact_id is None:
            self.initial_contact_id = response.get("InitialContactId")
        token = response.get("NextToken") or None
        digest = None if token is None else _token_digest(token)
        if digest is not None and digest in self._used_tokens:
            raise TranscriptPaginationError(
                f"GetTranscript returned a NextToken this walk already used (after "
                f"{self.pages} pages); stopping instead of walking forever"
            )
        fresh = self._fresh_items(response["Transcript"])
        if digest is not None:
            self._used_tokens.add(digest)
        self._next_token = token
        self.finished = token is None
        self.buffer.extend(fresh)

    def _fresh_items(self, items: Any) -> list[Item]:
        previous = self._previous_ids
        skip_id = self._skip_id
        page_ids: set[str] = set()
        fresh = []
        for item in items:
            item_id = item.get("Id")
            if item_id is not None:
                if item_id in page_ids or item_id in previous or item_id == skip_id:
                    page_ids.add(item_id)
                    continue
                page_ids.add(item_id)
            fresh.append(item)
        if page_ids:
            # One page of Ids is all the memory needed: overlaps are between neighbours.
            self._previous_ids = frozenset(page_ids)
        return fresh


class _WalkView:
    """``last_id``, ``initial_contact_id`` and ``pages`` of the walk a driver runs."""

    _walk: TranscriptWalk

    @property
    def last_id(self) -> Optional[str]:
        """The ``Id`` of the last item yielded."""
        return self._walk.last_id

    @property
    def initial_contact_id(self) -> Optional[str]:
        """The ``InitialContactId`` the service reported (after the first page)."""
        return self._walk.initial_contact_id

    @property
    def pages(self) -> int:
        """The number of GetTranscript calls that succeeded."""
        return self._walk.pages


class TranscriptIterator(_WalkView, Iterator[Item]):
    """An iterator over transcript items that survives errors and can be resumed.

    Obtain one from :func:`iter_transcript`. ``last_id`` is the ``Id`` of the
    last item yielded; ``initial_contact_id`` the ``InitialContactId`` the
    service reported; ``pages`` the number of GetTranscript calls that
    succeeded. The thin sync driver of :class:`TranscriptWalk`.
    """

    def __init__(self, client: Any, walk: TranscriptWalk) -> None:
        self._client = client
        self._walk = walk

    def __repr__(self) -> str:
        return f"TranscriptIterator({self._walk.state()})"

    def __iter__(self) -> TranscriptIterator:
        return self

    def __next__(self) -> Item:
        walk = self._walk
        buffer = walk.buffer
        while not buffer:
            request = walk.next_request()
            if request is None:
                raise StopIteration
            # On error nothing is fed: the walk keeps its place for a retry.
            walk.receive(self._client.get_transcript(**request))
        item = buffer.popleft()
        walk.last_id = item.get("Id", walk.last_id)
        return item


def _token_digest(token: Any) -> bytes:
    return hashlib.blake2b(str(token).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def iter_transcript(
    client: Any,
    *,
    ConnectionToken: Optional[str] = None,
    Order: Optional[str] = None,
    AfterId: Optional[str] = None,
    BeforeId: Optional[str] = None,
    ContactId: Optional[str] = None,
    MaxResults: int = MAX_PAGE_SIZE,
    StartPosition: Optional[dict[str, Any]] = None,
    ScanDirection: Optional[str] = None,
    SortOrder: Optional[str] = None,
    NextToken: Optional[str] = None,
) -> TranscriptIterator:
    """Iterate over every item of the chat transcript, each ``Id`` exactly once.

    Parameters
    ----------
    client
        A ``connectparticipant`` client.
    ConnectionToken
        The participant's connection token; omit it when the client has a bound
        token (``bind_tokens``).
    Order
        ``"oldest-first"`` (default) or ``"newest-first"``.
    AfterId
        Yield only the items after this item ``Id``, oldest first.
    BeforeId
        Yield only the items before this item ``Id``, newest first.
    ContactId
        For persistent chats: the contact of the chain whose transcript is wanted.
    MaxResults
        Page size, 1..100 (default 100, the largest).
    StartPosition, ScanDirection, SortOrder, NextToken
        Raw GetTranscript positioning, for experts; cannot be combined with
        ``Order``, ``AfterId`` or ``BeforeId``.

    Returns
    -------
    TranscriptIterator
        Yields the ``Item`` dictionaries of GetTranscript. Errors propagate;
        calling ``next()`` again retries the failed page without losing or
        repeating an item.

    Examples
    --------
    >>> for item in iter_transcript(client, ConnectionToken=token):   # doctest: +SKIP
    ...     print(item["AbsoluteTime"], item.get("DisplayName"), item.get("Content"))
    >>> missed = list(iter_transcript(client, AfterId=last_seen_id))   # doctest: +SKIP
    """
    check_client(client, needs=("get_transcript",))
    walk = transcript_walk(
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
    return TranscriptIterator(client, walk)


def transcript_walk(
    *,
    ConnectionToken: Optional[str] = None,
    Order: Optional[str] = None,
    AfterId: Optional[str] = None,
    BeforeId: Optional[str] = None,
    ContactId: Optional[str] = None,
    MaxResults: int = MAX_PAGE_SIZE,
    StartPosition: Optional[dict[str, Any]] = None,
    ScanDirection: Optional[str] = None,
    SortOrder: Optional[str] = None,
    NextToken: Optional[str] = None,
) -> TranscriptWalk:
    """The :class:`TranscriptWalk` for :func:`iter_transcript`'s arguments (checked here)."""
    page_size = _page_size(MaxResults)
    raw = {
        "StartPosition": StartPosition,
        "ScanDirection": ScanDirection,
        "SortOrder": SortOrder,
        "NextToken": NextToken,
    }
    raw_given = [name for name, value in raw.items() if value is not None]
    friendly = {"Order": Order, "AfterId": AfterId, "BeforeId": BeforeId}
    friendly_given = [name for name, value in friendly.items() if value is not None]
    if raw_given and friendly_given:
        raise TranscriptArgumentError(
            f"{' and '.join(friendly_given)} cannot be combined with the raw GetTranscript "
            f"positioning {', '.join(raw_given)}; use one or the other"
        )
    request: dict[str, Any] = {"MaxResults": page_size}
    if ConnectionToken is not None:
        request["ConnectionToken"] = token_argument(
            ConnectionToken, name="ConnectionToken", error=TranscriptArgumentError
        )
    if ContactId is not None:
        request["ContactId"] = _text("ContactId", ContactId, limit=256)
    if raw_given:
        _check_raw(StartPosition, ScanDirection, SortOrder, NextToken)
        request.update(
            {
                name: value
                for name, value in raw.items()
                if value is not None and name != "NextToken"
            }
        )
        return TranscriptWalk(request, next_token=NextToken)
    request.update(_positioning(Order=Order, AfterId=AfterId, BeforeId=BeforeId))
    return TranscriptWalk(request, skip_id=AfterId or BeforeId)


def _positioning(
    *, Order: Optional[str], AfterId: Optional[str], BeforeId: Optional[str]
) -> dict[str, Any]:
    if Order is not None and Order not in ORDERS:
        raise TranscriptArgumentError(
            f"Order must be {OLDEST_FIRST!r} or {NEWEST_FIRST!r}, got {Order!r}"
        )
    if AfterId is not None and BeforeId is not None:
        raise TranscriptArgumentError("give AfterId or BeforeId, not both")
    if AfterId is not None:
        if Order == NEWEST_FIRST:
            raise TranscriptArgumentError(
                "AfterId walks oldest-first; for a newest-first walk use BeforeId"
            )
        return {
            "StartPosition": {"Id": _text("AfterId", AfterId, limit=_MAX_ID_LENGTH)},
            "ScanDirection": "FORWARD",
            "SortOrder": "ASCENDING",
        }
    if BeforeId is not None:
        if Order == OLDEST_FIRST:
            raise TranscriptArgumentError(
                "BeforeId walks newest-first; for an oldest-first walk use AfterId"
            )
        return {
            "StartPosition": {"Id": _text("BeforeId", BeforeId, limit=_MAX_ID_LENGTH)},
            "ScanDirection": "BACKWARD",
            "SortOrder": "DESCENDING",
        }
    if Order == NEWEST_FIRST:
        return {"ScanDirection": "BACKWARD", "SortOrder": "DESCENDING"}
    return {
        "StartPosition": {"AbsoluteTime": EPOCH},
        "ScanDirection": "FORWARD",
        "SortOrder": "ASCENDING",
    }


def _check_raw(
    start_position: object, scan_direction: object, sort_order: object, next_token: object
) -> None:
    if start_position is not None and not isinstance(start_position, dict):
        raise TranscriptArgumentError(
            "StartPosition must be a dict such as {'Id': ...} or {'AbsoluteTime': ...}, "
            f"got {type(start_position).__name__}"
        )
    for name, value, allowed in (
        ("ScanDirection", scan_direction, ("FORWARD", "BACKWARD")),
        ("SortOrder", sort_order, ("ASCENDING", "DESCENDING")),
    ):
        if value is not None and value not in allowed:
            raise TranscriptArgumentError(
                f"{name} must be {allowed[0]!r} or {allowed[1]!r}, got {value!r}"
            )
    if next_token is not None:
        _text("NextToken", next_token, limit=None)


def _page_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise TranscriptArgumentError(
            f"MaxResults must be an integer from 1 to {MAX_PAGE_SIZE}, got {value!r}"
        )
    return value


def _text(name: str, value: object, *, limit: Optional[int]) -> str:
    if not isinstance(value, str) or not value:
        raise TranscriptArgumentError(f"{name} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise TranscriptArgumentError(f"{name} is longer than {limit} characters")
    return value
