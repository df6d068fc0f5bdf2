"""The hooks a session gives its event stream: new sockets, gap fill, delivery, the chat's end.

The stream (``_stream.ChatStream``) knows sockets and frames; the session
(``async_session.AsyncChatSession``) knows tokens, the transcript and the
consumer's buffer. :class:`SessionHooks` is the narrow interface between them.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Optional, TypeVar

from ..redact import describe_error
from . import _gap_fill as gap_fill
from ._service_errors import is_access_denied, is_validation_error
from ._stream_api import ChatGone
from .events import ChatEvent

if TYPE_CHECKING:
    from .async_session import AsyncChatSession

T = TypeVar("T")

#: Transcript items fetched per executor hop while filling a gap.
GAP_FILL_BATCH = 100


def take_batch(iterator: Iterator[T], size: int) -> list[T]:
    """The next ``size`` items of ``iterator`` (fewer at its end)."""
    return list(itertools.islice(iterator, size))


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
                    iterator = await session._transcript_iterator(**gap_fill.by_id(anchor_id))
                    batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
                except Exception as error:
                    if not is_validation_error(error):
                        raise  # 403, throttling, 5xx: the reconnect loop decides
                    batch = []
                    unknown: Optional[str] = describe_error(error)
                else:
                    unknown = None if batch else gap_fill.NO_ITEM_AT_ANCHOR
                if unknown is not None:
                    iterator = await session._transcript_iterator(
                        **gap_fill.without_id(anchor_time, unknown)
                    )
                    batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
                else:
                    batch = gap_fill.after_anchor(batch, anchor_id)
            while batch:
                for item in batch:
                    yield item
                batch = await session._run_sync(take_batch, iterator, GAP_FILL_BATCH)
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise

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
