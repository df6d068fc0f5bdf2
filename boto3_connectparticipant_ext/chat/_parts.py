"""The components of one asyncio chat session, and how they are built and wired together.

``AsyncChatSession`` is the public face of a :class:`SessionParts`; the thread driver
(``ChatSession``) reaches the same parts through ``AsyncChatSession.parts`` and uses only
their public methods. Each part has one job:

- :class:`~._service_calls.ServiceCalls`: the client, its tokens
  (:class:`~._credentials.Credentials`) and the call threads (:class:`~._workers.ApiWorkers`);
- :class:`~._consumer.EventConsumer`: who consumes the events, and their buffer;
- :class:`~._receipts.ReceiptQueue`, :class:`~._receipts.OwnMessages`, the throttles: receipts,
  own messages, typing;
- :class:`~._callbacks.Callbacks`: the ``on()`` registrations;
- :class:`~._lifecycle.Lifecycle`: open, close, leave, the chat's end, the event stream;
- ``_saved_state``: what ``save_state`` / ``resume`` carry.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Optional

from . import _saved_state
from ._callbacks import Callbacks
from ._client import build_client
from ._consumer import EventConsumer
from ._credentials import Credentials
from ._lifecycle import Lifecycle
from ._receipts import OwnMessages, ReceiptQueue
from ._sequencer import Sequencer
from ._service_calls import ServiceCalls
from ._throttle import ReceiptBook, TypingThrottle
from ._workers import ApiWorkers
from .config import ChatConfig
from .state import SessionState


@dataclasses.dataclass(frozen=True)
class SessionParts:
    """The components of one session (package-internal; not public API)."""

    config: ChatConfig
    calls: ServiceCalls
    events: EventConsumer
    own: OwnMessages
    book: ReceiptBook
    typing: TypingThrottle
    receipts: ReceiptQueue
    callbacks: Callbacks
    lifecycle: Lifecycle
    endpoint_url: Optional[str]
    leave_on_exit: bool

    def save_state(self) -> SessionState:
        """See ``AsyncChatSession.save_state``."""
        return _saved_state.capture(
            credentials=self.calls.credentials,
            events=self.events,
            own=self.own,
            book=self.book,
            typing=self.typing,
            region_name=self.calls.client.meta.region_name,
            endpoint_url=self.endpoint_url,
            chat_ended=self.lifecycle.chat_ended,
        )


def build_parts(
    participant_token: Optional[str],
    *,
    client: Any,
    session: Any,
    region_name: Optional[str],
    endpoint_url: Optional[str],
    config: Any,
    chat_config: Optional[ChatConfig],
    websocket: bool,
    leave_on_exit: bool,
    participant_id: Optional[str],
    state: Optional[SessionState],
) -> SessionParts:
    """Build and wire the parts of a session (its arguments already checked)."""
    chat = chat_config or ChatConfig()
    client = build_client(
        client=client,
        session=session,
        region_name=region_name,
        endpoint_url=endpoint_url,
        config=config,
    )
    lifecycle: Optional[Lifecycle] = None  # the credentials ask it, once it exists

    def ended() -> bool:
        return lifecycle is not None and lifecycle.chat_ended

    async def gone() -> None:
        if lifecycle is not None:
            await lifecycle.learn_chat_ended()

    workers = ApiWorkers(chat.api_workers)
    credentials = Credentials(
        client, participant_token, config=chat, run_sync=workers.run, ended=ended, on_gone=gone
    )
    calls = ServiceCalls(client, credentials, workers)
    book = ReceiptBook()
    typing = TypingThrottle(interval=chat.typing_interval, clock=time.time)
    events = EventConsumer(websocket=websocket)
    if state is None:
        sequencer = Sequencer(chunk_wait=chat.chunk_wait)
    else:
        sequencer = _saved_state.restore(
            state, config=chat, credentials=credentials, events=events, book=book, typing=typing
        )

    async def send_receipt(content_type: str, content: str) -> None:
        await calls.call("send_event", ContentType=content_type, Content=content)

    own = OwnMessages(book, participant_id)
    receipts = ReceiptQueue(book, delay=chat.receipt_delay, send=send_receipt)
    callbacks = Callbacks()
    lifecycle = Lifecycle(
        config=chat,
        websocket=websocket,
        calls=calls,
        events=events,
        receipts=receipts,
        own=own,
        callbacks=callbacks,
        sequencer=sequencer,
        chat_ended=state is not None and state.chat_ended,
    )
    return SessionParts(
        config=chat,
        calls=calls,
        events=events,
        own=own,
        book=book,
        typing=typing,
        receipts=receipts,
        callbacks=callbacks,
        lifecycle=lifecycle,
        endpoint_url=endpoint_url,
        leave_on_exit=leave_on_exit,
    )


__all__ = ["SessionParts", "build_parts"]
