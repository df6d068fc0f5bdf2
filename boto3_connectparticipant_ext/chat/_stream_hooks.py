"""The hooks a session gives its event stream: new sockets, gap fill, delivery, the chat's end.

The stream (``_stream.ChatStream``) knows sockets and frames; the session knows tokens,
the transcript and the consumer's buffer. :class:`SessionHooks` is the narrow interface
between them, built from the session's components and their public methods only: a
:class:`ServiceSide` (``_service_calls.ServiceCalls``) for calls, the
:class:`~._consumer.EventConsumer` for delivery, :class:`~._receipts.OwnMessages` for the
items seen, and a function to call when the chat has ended.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Callable, Optional, Protocol, TypeVar

from ..redact import describe_error
from . import _gap_fill as gap_fill
from ._consumer import EventConsumer
from ._receipts import OwnMessages
from ._service_calls import GAP_FILL_BATCH, take_batch
from ._service_errors import is_access_denied, is_validation_error
from ._stream_api import ChatGone
from .events import ChatEvent

T = TypeVar("T")


class ServiceSide(Protocol):
    """What the hooks call on the session's service side (``ServiceCalls`` has these)."""

    async def create_websocket(self, *, refresh_credentials: bool) -> str: ...

    async def transcript_iterator(self, **kwargs: Any) -> Iterator[dict[str, Any]]: ...

    async def run_blocking(self, function: Callable[..., T], *args: Any) -> T: ...

    async def call(self, operation: str, **params: Any) -> dict[str, Any]: ...


class SessionHooks:
    """The session seen from its :class:`~._stream.ChatStream`: the stream calls these."""

    def __init__(
        self,
        service: ServiceSide,
        events: EventConsumer,
        own: OwnMessages,
        *,
        on_chat_ended: Callable[[], None],
    ) -> None:
        self._service = service
        self._events = events
        self._own = own
        self._on_chat_ended = on_chat_ended

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        return await self._service.create_websocket(refresh_credentials=refresh_credentials)

    async def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> AsyncIterator[Mapping[str, Any]]:
        service = self._service
        try:
            iterator: Iterator[dict[str, Any]]
            if anchor_id is None:
                # No item seen and the transcript was empty at connect: all of it is new.
                iterator = await service.transcript_iterator()
                batch = await service.run_blocking(take_batch, iterator, GAP_FILL_BATCH)
            else:
                try:
                    iterator = await service.transcript_iterator(**gap_fill.by_id(anchor_id))
                    batch = await service.run_blocking(take_batch, iterator, GAP_FILL_BATCH)
                except Exception as error:
                    if not is_validation_error(error):
                        raise  # 403, throttling, 5xx: the reconnect loop decides
                    batch = []
                    unknown: Optional[str] = describe_error(error)
                else:
                    unknown = None if batch else gap_fill.NO_ITEM_AT_ANCHOR
                if unknown is not None:
                    iterator = await service.transcript_iterator(
                        **gap_fill.without_id(anchor_time, unknown)
                    )
                    batch = await service.run_blocking(take_batch, iterator, GAP_FILL_BATCH)
                else:
                    batch = gap_fill.after_anchor(batch, anchor_id)
            while batch:
                for item in batch:
                    yield item
                batch = await service.run_blocking(take_batch, iterator, GAP_FILL_BATCH)
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise

    async def latest_item(self) -> Optional[Mapping[str, Any]]:
        response = await self._service.call("get_transcript", **gap_fill.NEWEST_ITEM)
        return gap_fill.newest_item(response)

    async def deliver(self, event: ChatEvent) -> None:
        buffer = self._events.buffer
        if buffer is not None:
            await buffer.put(self.stamp(event))

    def offer(self, event: ChatEvent) -> bool:
        """:meth:`deliver` without a coroutine when the buffer takes ``event`` now;
        ``False`` (nothing done) when it would wait: :meth:`deliver` it then."""
        buffer = self._events.buffer
        if buffer is None:
            return True
        if not buffer.takes_now:
            return False
        buffer.put_nowait(self.stamp(event))
        return True

    def stamp(self, event: ChatEvent) -> ChatEvent:
        """The event as delivered (a subclass adds to it); called once per delivery."""
        return event

    def backpressured(self) -> bool:
        buffer = self._events.buffer
        return buffer is not None and buffer.full

    def observe(self, item: Mapping[str, Any]) -> None:
        self._own.observe(item)

    async def chat_ended(self) -> None:
        self._on_chat_ended()
        if self._events.buffer is not None:
            await self._events.buffer.close()

    async def stream_failed(self, error: BaseException) -> None:
        if self._events.buffer is not None:
            await self._events.buffer.close(error)


__all__ = ["GAP_FILL_BATCH", "ServiceSide", "SessionHooks", "take_batch"]
