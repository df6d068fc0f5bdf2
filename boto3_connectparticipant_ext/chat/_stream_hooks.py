"""The hooks a session gives its event stream: new sockets, gap fill, delivery, the chat's end.

The stream (``_stream.ChatStream``) knows sockets and frames; the session
(``async_session.AsyncChatSession``) knows tokens, the transcript and the
consumer's buffer. :class:`SessionHooks` is the narrow interface between them.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from ..redact import describe_error
from ._service_errors import is_access_denied, is_validation_error
from ._stream_api import ChatGone
from .events import ChatEvent

if TYPE_CHECKING:
    from .async_session import AsyncChatSession

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

T = TypeVar("T")

#: Transcript items fetched per executor hop while filling a gap.
GAP_FILL_BATCH = 100


def take_batch(iterator: Iterator[T], size: int) -> list[T]:
    """The next ``size`` items of ``iterator`` (fewer at its end)."""
    return list(itertools.islice(iterator, size))


# Gap fill after an anchor: GetTranscript FORWARD from ``StartPosition.Id`` = the anchor.
# The service answers an Id it does not know with a ValidationException or (as the mobile
# SDKs expect) an empty page; a known Id starts the page at that very item. So an empty
# answer, or an error, means "anchor unknown": the fill goes by the anchor's time
# (inclusive: repeats, deduplicated, rather than losses), or by the whole transcript.
# An empty page can also mean "nothing new" from a service whose start were exclusive;
# the fallback then only re-reads items already seen.


class SessionHooks:
    """The session seen from its :class:`~._stream.ChatStream`: the stream calls these."""

    def __init__(self, session: AsyncChatSession) -> None:
        self._session = session

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        return await self._session._create_websocket(refresh_credentials=refresh_credentials)

    async def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> AsyncIterator[Mapping[str, Any]]:
        session = self._session
        try:
            iterator: Iterator[dict[str, Any]]
            if anchor_id is None:
                # No item seen and the transcript was empty at connect: all of it is new.
                iterator = await session._transcript_iterator()
                batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
            else:
                try:
                    iterator = await session._transcript_iterator(
                        StartPosition={"Id": anchor_id},
                        ScanDirection="FORWARD",
                        SortOrder="ASCENDING",
                    )
                    batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
                except Exception as error:
                    if not is_validation_error(error):
                        raise  # 403, throttling, 5xx: the reconnect loop decides
                    batch = []
                    unknown: Optional[BaseException] = error
                else:
                    unknown = None if batch else LookupError("no item at the anchor")
                if unknown is not None:
                    iterator = await self._iterator_without_anchor_id(anchor_time, unknown)
                    batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
                elif batch[0].get("Id") == anchor_id:
                    batch = batch[1:]  # the start is inclusive: the anchor itself was seen
            while batch:
                for item in batch:
                    yield item
                batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise

    async def _iterator_without_anchor_id(
        self, anchor_time: Optional[str], error: BaseException
    ) -> Iterator[dict[str, Any]]:
        """The service does not know the anchor's id: go by its time, or (a hand-made
        state without one) by the whole transcript, repeating rather than losing items."""
        session = self._session
        if anchor_time is not None:
            logger.info("gap fill by item id failed (%s); filling by time", describe_error(error))
            return await session._transcript_iterator(
                StartPosition={"AbsoluteTime": anchor_time},
                ScanDirection="FORWARD",
                SortOrder="ASCENDING",
            )
        logger.warning(
            "gap fill: the last item seen is unknown to the service and has no time (%s); "
            "delivering the whole transcript again",
            describe_error(error),
        )
        return await session._transcript_iterator()

    async def latest_item(self) -> Optional[Mapping[str, Any]]:
        response = await self._session._call(
            "get_transcript", MaxResults=1, ScanDirection="BACKWARD", SortOrder="DESCENDING"
        )
        items = response.get("Transcript") or []
        return items[0] if items else None

    async def deliver(self, event: ChatEvent) -> None:
        buffer = self._session._buffer
        if buffer is not None:
            await buffer.put(event)

    def backpressured(self) -> bool:
        buffer = self._session._buffer
        return buffer is not None and buffer.full

    def observe(self, item: Mapping[str, Any]) -> None:
        self._session._observe(item)

    async def chat_ended(self) -> None:
        self._session._mark_ended()
        if self._session._buffer is not None:
            await self._session._buffer.close()

    async def stream_failed(self, error: BaseException) -> None:
        if self._session._buffer is not None:
            await self._session._buffer.close(error)


__all__ = ["GAP_FILL_BATCH", "SessionHooks", "take_batch"]
