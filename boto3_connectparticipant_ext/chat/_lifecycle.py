"""A session's lifecycle: open, close, leave, the chat's end and the background tasks.

:class:`Lifecycle` holds the phase (new, open, closed), whether the chat has ended, the
event stream (``_stream.ChatStream``) and the two background tasks of an open session (the
token refresher and the ``on()`` callback dispatcher). ``AsyncChatSession``'s ``connect``,
``close`` and ``disconnect`` are these methods; ``ChatSession`` reaches them only through
``AsyncChatSession``.

Order of a close: no new work (phase closed, the consumer told), the refresher stopped, queued
receipts sent (a failure is logged, not raised: closing must not fail on them), the socket
closed, the buffer closed after its last event, the callbacks given every event received
before the close, then the call threads shut down.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

from ..redact import describe_error
from ._callbacks import Callbacks
from ._consumer import EventConsumer
from ._receipts import OwnMessages, ReceiptQueue
from ._sequencer import Sequencer
from ._service_calls import ServiceCalls
from ._service_errors import is_access_denied, websocket_url
from ._stream import ChatGone, ChatStream
from ._transport import Connector, open_websocket
from ._typing_expiry import TypingHooks
from .config import ChatConfig
from .errors import ChatEndedError, ChatNotConnectedError, ChatUsageError

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

NEW, OPEN, CLOSED = "new", "open", "closed"


class Lifecycle:
    """Phase, end of chat, event stream and background tasks of one session (one loop)."""

    def __init__(
        self,
        *,
        config: ChatConfig,
        websocket: bool,
        calls: ServiceCalls,
        events: EventConsumer,
        receipts: ReceiptQueue,
        own: OwnMessages,
        callbacks: Callbacks,
        sequencer: Sequencer,
        chat_ended: bool = False,
    ) -> None:
        self.config = config
        self.websocket = websocket
        self.phase = NEW
        self.chat_ended = chat_ended
        #: How sockets are opened (a test may give its own).
        self.connector: Connector = open_websocket
        self._calls = calls
        self._events = events
        self._receipts = receipts
        self._own = own
        self._callbacks = callbacks
        self._sequencer = sequencer
        self._stream: Optional[ChatStream] = None
        self._lock: Optional[asyncio.Lock] = None
        self._refresher: Optional[asyncio.Task[None]] = None
        self._dispatcher: Optional[asyncio.Task[None]] = None
        self._end_seen: Optional[asyncio.Event] = None

    @property
    def is_open(self) -> bool:
        return self.phase == OPEN

    @property
    def connected(self) -> bool:
        """Open and, with a websocket, the socket live."""
        if self.phase != OPEN:
            return False
        return self._stream.connected if self._stream is not None else True

    # -- open --------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the session (see ``AsyncChatSession.connect``); idempotent while open."""
        self._calls.bind_loop()
        async with self._lifecycle_lock():
            if self.phase == OPEN:
                return
            if self.phase == CLOSED:
                raise ChatUsageError(
                    "a closed session cannot connect again; resume it from save_state()"
                )
            if self.chat_ended and self.websocket:
                raise ChatEndedError("the chat has ended; there is no event stream to open")
            try:
                await self._open()
            except ChatGone:
                await self._abandon_open()
                raise ChatEndedError(
                    "the service refused the participant token: the chat has ended "
                    "(or the token is not valid)"
                ) from None
            except BaseException:
                await self._abandon_open()
                raise
            self.phase = OPEN
            loop = asyncio.get_running_loop()
            self._refresher = loop.create_task(self._calls.credentials.refresh_forever())
            if self._callbacks:
                self.start_dispatcher()

    async def _open(self) -> None:
        credentials = self._calls.credentials
        url: Optional[str] = None
        if credentials.connection_token is None:
            if credentials.participant_token is None:
                raise ChatNotConnectedError("no ConnectionToken and no ParticipantToken to get one")
            types = ["CONNECTION_CREDENTIALS"] + (["WEBSOCKET"] if self.websocket else [])
            response = await credentials.create_connection(types, connect_participant=True)
            url = websocket_url(response) if self.websocket else None
        else:
            await credentials.ensure_fresh()
        if not self.websocket:
            return
        if url is None:
            url = await self._calls.create_websocket(refresh_credentials=False)
        self._events.open(self.config.max_buffered_events)
        hooks = TypingHooks(
            self._calls,
            self._events,
            self._own,
            on_chat_ended=self.mark_ended,
            expiry=self.config.typing_expiry,
        )
        self._stream = ChatStream(
            config=self.config, connector=self.connector, hooks=hooks, sequencer=self._sequencer
        )
        await self._stream.start(url, fill_gap=self._sequencer.anchor_id is not None)

    async def _abandon_open(self) -> None:
        if self._stream is not None:
            await self._stream.close()
            self._stream = None

    def _lifecycle_lock(self) -> asyncio.Lock:
        if self._lock is None:  # created on the session's loop (Python 3.9 binds it there)
            self._lock = asyncio.Lock()
        return self._lock

    # -- callbacks ---------------------------------------------------------------------

    def callbacks_added(self) -> None:
        """An ``on()`` registration: an open session starts dispatching at once."""
        if self.phase == OPEN and self._dispatcher is None:
            self.start_dispatcher()

    def start_dispatcher(self) -> None:
        take = self._events.next_event
        self._dispatcher = asyncio.get_running_loop().create_task(
            self._callbacks.pump_async(lambda: take(None))
        )

    # -- close and leave -----------------------------------------------------------------

    async def close(self) -> None:
        """Close the session (see ``AsyncChatSession.close``); idempotent."""
        if self.phase == CLOSED or not self._calls.loop_bound:
            self.phase = CLOSED
            self._events.session_closed = True
            self._calls.workers.shutdown()
            return
        async with self._lifecycle_lock():
            if self.phase == CLOSED:
                return
            self.phase = CLOSED
            self._events.session_closed = True
            current = asyncio.current_task()
            if self._refresher is not None and self._refresher is not current:
                self._refresher.cancel()
                await asyncio.gather(self._refresher, return_exceptions=True)
            await self._flush_receipts_quietly()
            if self._stream is not None:
                await self._stream.close()
            if self._events.buffer is not None:
                await self._events.buffer.close()
            if self._dispatcher is not None and self._dispatcher is not current:
                # Callbacks get the events received before close, then the dispatcher ends.
                await asyncio.gather(self._dispatcher, return_exceptions=True)
            self._calls.workers.shutdown()

    async def disconnect(self, wait_for_end: Optional[float]) -> None:
        """Leave the chat, then close (see ``AsyncChatSession.disconnect``)."""
        if self.phase == CLOSED:
            return
        if not self.chat_ended and self._calls.credentials.connection_token is not None:
            await self._flush_receipts_quietly()
            if wait_for_end and self._stream is not None:
                self._end_seen = asyncio.Event()
            if self._stream is not None and not wait_for_end:
                # The service closes the socket of a participant who left: that
                # is not a loss to reconnect from.
                await self._stream.close()
            try:
                await self._calls.call("disconnect_participant")
            except ChatEndedError:
                pass
            except Exception as error:
                if not is_access_denied(error):
                    await self.close()
                    raise
            if self._end_seen is not None:
                try:
                    await asyncio.wait_for(self._end_seen.wait(), wait_for_end)
                except asyncio.TimeoutError:
                    logger.info("chat.ended did not arrive within %s s of leaving", wait_for_end)
            self.mark_ended()
        await self.close()

    async def _flush_receipts_quietly(self) -> None:
        if self.chat_ended or self._calls.credentials.connection_token is None:
            return
        try:
            await self._receipts.flush()
        except Exception as error:
            logger.warning("queued receipts could not be sent: %s", describe_error(error))

    # -- the chat's end ------------------------------------------------------------------

    def require_not_ended(self) -> None:
        if self.chat_ended:
            raise ChatEndedError("the chat has ended")

    def mark_ended(self) -> None:
        """The chat is over: no more receipts, no more token refreshes."""
        self.chat_ended = True
        if self._end_seen is not None:
            self._end_seen.set()
        self._receipts.book.mark_ended()
        self._receipts.cancel()
        self._calls.credentials.wake()

    async def learn_chat_ended(self) -> None:
        """The service said the chat is over outside the event stream (a 403 on refresh)."""
        if self.chat_ended:
            return
        self.mark_ended()
        if self._stream is not None and not self._stream.ended:
            await self._stream.end_offline()


__all__ = ["CLOSED", "NEW", "OPEN", "Lifecycle"]
