"""What the websocket engine (``_stream.ChatStream``) needs from its session, and its signal
that the chat is gone. Kept apart so that the engine and the session's hooks both import it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Optional, Protocol

from .events import ChatEvent


class ChatGone(Exception):
    """The service refused the participant (HTTP 403): the chat has ended."""


class StreamHooks(Protocol):
    """What the engine needs from its session (all on the engine's loop)."""

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        """A fresh websocket URL from CreateParticipantConnection; ``ChatGone`` on 403."""
        ...

    def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Transcript items after the anchor, oldest first; ``ChatGone`` on 403."""
        ...

    async def latest_item(self) -> Optional[Mapping[str, Any]]:
        """The newest transcript item (the first anchor of a fresh session)."""
        ...

    async def deliver(self, event: ChatEvent) -> None:
        """Hand one event to the consumer, waiting while its buffer is full."""
        ...

    def offer(self, event: ChatEvent) -> bool:
        """:meth:`deliver` at once if the buffer has room (the common case, no coroutine);
        ``False``, with nothing done, when :meth:`deliver` would wait."""
        ...

    def backpressured(self) -> bool:
        """Whether the consumer's buffer is full right now."""
        ...

    def observe(self, item: Mapping[str, Any]) -> None:
        """See every item before deduplication (own-message bookkeeping)."""
        ...

    async def chat_ended(self) -> None:
        """The chat ended: stop sending, close the buffer after the last event."""
        ...

    async def stream_failed(self, error: BaseException) -> None:
        """The stream gave up (reconnect attempts exhausted)."""
        ...


__all__ = ["ChatGone", "StreamHooks"]
