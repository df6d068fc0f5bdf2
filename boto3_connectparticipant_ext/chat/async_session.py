"""AsyncChatSession: a participant's live chat for asyncio code (and the engine of ChatSession).

Examples
--------
>>> import asyncio
>>> from boto3_connectparticipant_ext.chat import AsyncChatSession, MessageEvent
>>> async def echo_bot(participant_token: str) -> None:
...     async with AsyncChatSession(participant_token, region_name="us-east-1") as chat:
...         async for event in chat.events():
...             if isinstance(event, MessageEvent) and event.participant_role == "CUSTOMER":
...                 await chat.send_read_receipt(event.id)
...                 await chat.send_message(f"you said: {event.content}")
>>> # asyncio.run(echo_bot(token))
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import functools
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Callable, Optional, TypeVar

from ..auth import bind_tokens
from ..redact import describe_error, mask
from . import _throttle
from ._arguments import (
    Callback,
    EventKind,
    check_callback,
    check_message,
    check_session_arguments,
    check_timeout,
    require_optional_text,
    require_text,
    resolve_kind,
)
from ._buffer import Closed, EventBuffer
from ._callbacks import Callbacks
from ._client import build_client
from ._schedule import refresh_retry_backoff, token_refresh_due
from ._sequencer import Sequencer, anchors
from ._service_errors import is_access_denied, message_refused, websocket_url
from ._stream import ChatGone, ChatStream
from ._stream_hooks import GAP_FILL_BATCH, take_batch
from ._transport import Connector, open_websocket
from ._typing_expiry import TypingHooks
from .config import ChatConfig
from .errors import (
    ChatArgumentError,
    ChatConfigError,
    ChatEndedError,
    ChatNotConnectedError,
    ChatUsageError,
)
from .events import EVENT_PREFIX, ChatEvent, ItemEvent
from .sent import SentMessage
from .state import MAX_SAVED_IDS, SessionState, parse_timestamp

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

T = TypeVar("T")

TYPING = EVENT_PREFIX + "typing"
READ_RECEIPT = EVENT_PREFIX + "message.read"
DELIVERED_RECEIPT = EVENT_PREFIX + "message.delivered"
_RECEIPT_CONTENT_TYPES = {_throttle.READ: READ_RECEIPT, _throttle.DELIVERED: DELIVERED_RECEIPT}
_MAX_ID_LENGTH = 256

_NEW, _OPEN, _CLOSED = "new", "open", "closed"
_EVENTS, _CALLBACKS = "events()", "on() callbacks"


class AsyncChatSession:
    """One participant's chat: the API calls, a live event stream, receipts and typing.

    Parameters
    ----------
    participant_token:
        The ParticipantToken from StartChatContact / CreateParticipant (a secret).
    region_name, endpoint_url, session, config:
        How to build the client (``session`` is a boto3 or botocore session,
        ``config`` a ``botocore.config.Config``). The client never signs and
        never looks for AWS credentials.
    client:
        An existing ``connectparticipant`` client to use instead (it is told not
        to sign). Give each session its own client: the session binds its
        ConnectionToken to it.
    chat_config:
        A :class:`ChatConfig` (intervals, backoff, buffer size).
    websocket:
        Open the live event stream on :meth:`connect` (default). ``False`` makes
        a send-only session that needs no socket.
    leave_on_exit:
        ``async with`` exit calls :meth:`disconnect` (leave the chat) when true,
        else only :meth:`close` (the chat goes on; resume it later).
    participant_id:
        This participant's id, if known (otherwise learnt from the first own
        message); used to skip receipts for one's own messages.

    Every argument is checked before anything else happens: a wrong type
    raises :class:`~.errors.ChatArgumentError` (a ``TypeError``), an unusable
    value :class:`~.errors.ChatConfigError` (a ``ValueError``); ``websocket``
    and ``leave_on_exit`` must be real booleans. Messages never show a token.

    Consuming events: iterate :meth:`events` *or* register callbacks with
    :meth:`on`, not both. Events wait in a buffer of
    ``chat_config.max_buffered_events``; when it is full the session stops
    reading the socket until the consumer catches up (nothing is dropped; the
    transcript fills anything the service gave up on meanwhile).

    Order of events: ``ConnectionEstablishedEvent`` first; after a lost socket,
    ``ConnectionLostEvent``, then the items recovered from the transcript, then
    ``ConnectionReestablishedEvent``, then live items. Every chat item comes
    once (an attachment once per scan status), in the service's order.

    Requests the session makes on its own, and nothing else (no telemetry):
    CreateParticipantConnection to connect, reconnect, replace the socket
    before ``socket_max_age`` and refresh the ConnectionToken before it
    expires (or once after a 403); GetTranscript for the newest item at
    connect (where a later gap fill starts) and for each gap fill; heartbeat
    and ping frames on the socket. A 403 on CreateParticipantConnection means
    the chat has ended.

    Creating a session does not change logging: botocore's DEBUG logs show
    tokens unless log redaction is on (``install()`` turns it on, or call
    ``redact.start_redacting_logs()``). A token given with surrounding
    whitespace is stripped, as everywhere in the package.

    Examples
    --------
    >>> async def main(token: str) -> None:
    ...     async with AsyncChatSession(token, region_name="us-east-1") as chat:
    ...         message_id = await chat.send_message("Hello")
    ...         async for event in chat.events(timeout=30):
    ...             print(event.kind)
    """

    def __init__(
        self,
        participant_token: Optional[str] = None,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        client: Any = None,
        session: Any = None,
        config: Any = None,
        chat_config: Optional[ChatConfig] = None,
        websocket: bool = True,
        leave_on_exit: bool = True,
        participant_id: Optional[str] = None,
        _state: Optional[SessionState] = None,
    ) -> None:
        # Every argument is checked before anything else happens (no client, no call).
        participant_token = check_session_arguments(
            participant_token=participant_token,
            token_required=_state is None,
            region_name=region_name,
            endpoint_url=endpoint_url,
            client=client,
            session=session,
            config=config,
            chat_config=chat_config,
            websocket=websocket,
            leave_on_exit=leave_on_exit,
            participant_id=participant_id,
            id_limit=_MAX_ID_LENGTH,
        )
        self._config = chat_config or ChatConfig()
        self._client = build_client(
            client=client,
            session=session,
            region_name=region_name,
            endpoint_url=endpoint_url,
            config=config,
        )
        self._endpoint_url = endpoint_url
        self._websocket = websocket
        self._leave_on_exit = leave_on_exit
        self._participant_token = participant_token
        self._participant_id = participant_id
        self._connection_token: Optional[str] = None
        self._connection_expiry: Optional[str] = None
        self._token_obtained_at: Optional[float] = None
        self._chat_ended = False
        self._end_seen: Optional[asyncio.Event] = None  # set by _mark_ended (wait_for_end)
        self._book = _throttle.ReceiptBook()
        self._typing = _throttle.TypingThrottle(
            interval=self._config.typing_interval, clock=time.time
        )
        self._sequencer = Sequencer(chunk_wait=self._config.chunk_wait)
        self._consumed_anchor: tuple[Optional[str], Optional[str]] = (None, None)
        self._senders: collections.OrderedDict[str, str] = collections.OrderedDict()
        if _state is not None:
            self._restore(_state)
        self._connector: Connector = open_websocket
        self._phase = _NEW
        self._consumer: Optional[str] = None
        self._callbacks = Callbacks()
        # Bound to the event loop of the first connect (or first API call).
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._executor: Optional[concurrent.futures.ThreadPoolExecutor] = None
        self._buffer: Optional[EventBuffer[ChatEvent]] = None
        self._stream: Optional[ChatStream] = None
        self._lifecycle_lock: Optional[asyncio.Lock] = None
        self._refresh_lock: Optional[asyncio.Lock] = None
        self._credentials_changed: Optional[asyncio.Event] = None
        self._refresher: Optional[asyncio.Task[None]] = None
        self._dispatcher: Optional[asyncio.Task[None]] = None
        self._receipt_timers: dict[str, asyncio.TimerHandle] = {}
        self._receipt_sends: set[asyncio.Task[None]] = set()

    @classmethod
    def resume(
        cls,
        state: SessionState,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        client: Any = None,
        session: Any = None,
        config: Any = None,
        chat_config: Optional[ChatConfig] = None,
        websocket: bool = False,
        leave_on_exit: bool = False,
    ) -> AsyncChatSession:
        """Continue a chat from :meth:`save_state` output without a new connection.

        The saved ConnectionToken is reused (refreshed first if it is about to
        expire and the state holds the ParticipantToken). With
        ``websocket=True`` :meth:`connect` opens the event stream and first
        delivers every item after the saved ``last_item_id``.

        Examples
        --------
        >>> async def handle(state_json: str, text: str) -> str:
        ...     chat = AsyncChatSession.resume(SessionState.from_json(state_json))
        ...     async with chat:
        ...         await chat.send_message(text)
        ...         return chat.save_state().to_json()
        """
        if not isinstance(state, SessionState):
            raise ChatArgumentError(f"state must be a SessionState, got {type(state).__name__}")
        # Checked here too: the saved region and endpoint fill in only for None.
        require_optional_text(region_name, "region_name")
        require_optional_text(endpoint_url, "endpoint_url")
        if client is None:
            # An empty saved value counts as not saved.
            region_name = (state.region_name or None) if region_name is None else region_name
            endpoint_url = (state.endpoint_url or None) if endpoint_url is None else endpoint_url
        return cls(
            state.participant_token,
            region_name=region_name,
            endpoint_url=endpoint_url,
            client=client,
            session=session,
            config=config,
            chat_config=chat_config,
            websocket=websocket,
            leave_on_exit=leave_on_exit,
            participant_id=state.participant_id or None,
            _state=state,
        )

    def _restore(self, state: SessionState) -> None:
        self._connection_token = state.connection_token
        self._connection_expiry = state.connection_expiry
        self._token_obtained_at = time.time()
        self._chat_ended = state.chat_ended
        self._sequencer = Sequencer(
            anchor_id=state.last_item_id,
            anchor_time=state.last_item_time,
            chunk_wait=self._config.chunk_wait,
        )
        self._consumed_anchor = (state.last_item_id, state.last_item_time)
        for message_id in state.own_message_ids:
            self._book.mark_own(message_id)
        self._book.restore_sent(list(state.receipts_sent))
        if state.typing_sent_at is not None:
            self._typing.restore(state.typing_sent_at)
        if state.chat_ended:
            self._book.mark_ended()
        bind_tokens(
            self._client,
            connection_token=state.connection_token,
            participant_token=state.participant_token,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(phase={self._phase!r}, websocket={self._websocket}, "
            f"chat_ended={self._chat_ended}, participant_token={mask(self._participant_token)}, "
            f"connection_token={mask(self._connection_token)})"
        )

    # -- properties ------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The session's unsigned ``connectparticipant`` client (ConnectionToken bound)."""
        return self._client

    @property
    def chat_config(self) -> ChatConfig:
        return self._config

    @property
    def connected(self) -> bool:
        """Whether the session is open (and, with a websocket, its socket is live)."""
        if self._phase != _OPEN:
            return False
        return self._stream.connected if self._stream is not None else True

    @property
    def chat_ended(self) -> bool:
        return self._chat_ended

    @property
    def participant_id(self) -> Optional[str]:
        """This participant's id once known (given, saved, or learnt from an own message)."""
        return self._participant_id

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> AsyncChatSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._leave_on_exit:
            await self.disconnect()
        else:
            await self.close()

    async def connect(self) -> None:
        """Create the connection (CreateParticipantConnection with WEBSOCKET and
        CONNECTION_CREDENTIALS, ``ConnectParticipant=True``), bind the
        ConnectionToken to the client, open the socket and subscribe.

        A resumed session reuses its ConnectionToken. Idempotent while open.
        """
        self._bind_loop()
        assert self._lifecycle_lock is not None
        async with self._lifecycle_lock:
            if self._phase == _OPEN:
                return
            if self._phase == _CLOSED:
                raise ChatUsageError(
                    "a closed session cannot connect again; resume it from save_state()"
                )
            if self._chat_ended and self._websocket:
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
            self._phase = _OPEN
            loop = asyncio.get_running_loop()
            self._refresher = loop.create_task(self._refresh_credentials_forever())
            if self._callbacks:
                self._start_dispatcher()

    async def _open(self) -> None:
        url: Optional[str] = None
        if self._connection_token is None:
            if self._participant_token is None:
                raise ChatNotConnectedError("no ConnectionToken and no ParticipantToken to get one")
            types = ["CONNECTION_CREDENTIALS"] + (["WEBSOCKET"] if self._websocket else [])
            response = await self._create_connection(types, connect_participant=True)
            url = websocket_url(response) if self._websocket else None
        else:
            await self._ensure_fresh_token()
        if not self._websocket:
            return
        if url is None:
            url = await self._create_websocket(refresh_credentials=False)
        self._buffer = EventBuffer(self._config.max_buffered_events)
        self._stream = ChatStream(
            config=self._config,
            connector=self._connector,
            hooks=TypingHooks(self),
            sequencer=self._sequencer,
        )
        await self._stream.start(url, fill_gap=self._sequencer.anchor_id is not None)

    async def _abandon_open(self) -> None:
        if self._stream is not None:
            await self._stream.close()
            self._stream = None

    async def close(self) -> None:
        """Send pending receipts, close the socket and stop background work.

        The chat itself goes on (use :meth:`disconnect` to leave it). Events
        already received stay available to :meth:`events` until drained.
        Idempotent.
        """
        if self._phase == _CLOSED or self._lifecycle_lock is None:
            self._phase = _CLOSED
            self._shutdown_executor()
            return
        async with self._lifecycle_lock:
            if self._phase == _CLOSED:
                return
            self._phase = _CLOSED
            current = asyncio.current_task()
            if self._refresher is not None and self._refresher is not current:
                self._refresher.cancel()
                await asyncio.gather(self._refresher, return_exceptions=True)
            await self._flush_receipts_quietly()
            if self._stream is not None:
                await self._stream.close()
            if self._buffer is not None:
                await self._buffer.close()
            if self._dispatcher is not None and self._dispatcher is not current:
                # Callbacks get the events received before close, then the dispatcher ends.
                await asyncio.gather(self._dispatcher, return_exceptions=True)
            self._shutdown_executor()

    async def disconnect(self, *, wait_for_end: Optional[float] = None) -> None:
        """Leave the chat (DisconnectParticipant), then :meth:`close`.

        For a customer this ends the chat. Nothing is sent when the chat has
        already ended. Idempotent.

        ``wait_for_end`` (seconds, finite) keeps the socket open after leaving
        until ``chat.ended`` arrives or the time is up, so messages the contact
        flow sends after the customer leaves (closing words, a survey) are
        received, as chatjs does since 2025; they stay readable from
        :meth:`events` after the session closed. ``None`` (the default) closes at once.
        """
        check_wait_for_end(wait_for_end)
        if self._phase == _CLOSED:
            return
        if not self._chat_ended and self._connection_token is not None:
            await self._flush_receipts_quietly()
            if wait_for_end and self._stream is not None:
                self._end_seen = asyncio.Event()
            if self._stream is not None and not wait_for_end:
                # The service closes the socket of a participant who left: that
                # is not a loss to reconnect from.
                await self._stream.close()
            try:
                await self._call("disconnect_participant")
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
            self._mark_ended()
        await self.close()

    def _bind_loop(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            self._lifecycle_lock = asyncio.Lock()
            self._refresh_lock = asyncio.Lock()
            self._credentials_changed = asyncio.Event()
        elif self._loop is not loop:
            raise ChatUsageError("an AsyncChatSession is bound to the event loop it first ran on")
        return loop

    def _shutdown_executor(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False)

    # -- the service API ----------------------------------------------------------------

    async def send_message(self, content: str, *, content_type: str = "text/plain") -> SentMessage:
        """Send a message; return its ``Id`` as a :class:`~.sent.SentMessage` (a ``str``
        that also carries ``absolute_time`` and ``processing_status``).

        Content is checked first (``service_limits.message_content_problem``: at most
        16,384 UTF-8 bytes, one of SendMessage's content types): ChatConfigError before
        any call. A service refusal (ValidationException) is a MessageRefusedError.

        Examples
        --------
        >>> async def greet(chat: AsyncChatSession) -> str:
        ...     return await chat.send_message("**Hi**", content_type="text/markdown")
        """
        check_message(content, content_type)
        self._require_not_ended()
        try:
            response = await self._call("send_message", Content=content, ContentType=content_type)
        except Exception as error:
            refused = message_refused(error)
            if refused is None:
                raise
            raise refused from error
        sent = SentMessage.from_response(response)
        self._note_own(sent.id)
        return sent

    async def send_typing(self) -> bool:
        """Send a typing event, at most one per ``typing_interval`` (10 s).

        Returns ``True`` when an event was sent, ``False`` for a throttled
        call or after the chat ended (no-ops, never errors).
        """
        if self._chat_ended or not self._typing.try_acquire():
            return False
        try:
            await self._call("send_event", ContentType=TYPING)
        except BaseException:
            self._typing.release()
            raise
        return True

    async def send_read_receipt(self, message_id: str) -> bool:
        """Mark ``message_id`` read. See :meth:`send_delivered_receipt` for the rules."""
        return self._request_receipt(message_id, _throttle.READ)

    async def send_delivered_receipt(self, message_id: str) -> bool:
        """Mark ``message_id`` delivered.

        Receipts are sent after ``receipt_delay`` (5 s), one per message and
        kind: repeats are no-ops, a read replaces a pending delivered, and
        nothing is sent for one's own messages or after the chat ended.
        Returns ``True`` when a receipt was queued. :meth:`flush_receipts`,
        :meth:`close` and :meth:`disconnect` send queued receipts at once.
        """
        return self._request_receipt(message_id, _throttle.DELIVERED)

    async def flush_receipts(self) -> None:
        """Send every queued receipt now (errors are raised, the first one)."""
        for handle in self._receipt_timers.values():
            handle.cancel()
        self._receipt_timers.clear()
        pending = [self._send_receipt(message_id) for message_id in self._book.pending_ids()]
        results = await asyncio.gather(*pending, *self._receipt_sends, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def describe_view(self, view_token: str) -> dict[str, Any]:
        """Return the ``View`` of a step-by-step guide (DescribeView)."""
        require_text(view_token, "view_token")
        response = await self._call("describe_view", ViewToken=view_token)
        view: dict[str, Any] = response["View"]
        return view

    async def get_authentication_url(self, session_id: str, redirect_uri: str) -> str:
        """Return the URL that authenticates the customer (GetAuthenticationUrl)."""
        require_text(session_id, "session_id")
        require_text(redirect_uri, "redirect_uri")
        response = await self._call(
            "get_authentication_url", SessionId=session_id, RedirectUri=redirect_uri
        )
        return str(response["AuthenticationUrl"])

    async def cancel_participant_authentication(self, session_id: str) -> None:
        """Cancel an authentication in progress (CancelParticipantAuthentication)."""
        require_text(session_id, "session_id")
        await self._call("cancel_participant_authentication", SessionId=session_id)

    async def transcript(self, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """Iterate over the transcript (``iter_transcript`` keywords: ``Order``,
        ``AfterId``, ``BeforeId``, ``ContactId``, ``MaxResults`` ...)."""
        iterator = await self._transcript_iterator(**kwargs)
        while True:
            batch = await self._run_sync(take_batch, iterator, GAP_FILL_BATCH)
            if not batch:
                return
            for item in batch:
                yield item

    async def upload_attachment(self, filename: Any, **kwargs: Any) -> str:
        """Upload a file as an attachment; return its ``AttachmentId``.

        Keywords are those of ``transfer.upload_attachment`` (``AttachmentName``,
        ``ContentType``, ``Callback``, ``Config``).
        """
        from ..transfer import upload_attachment

        self._require_not_ended()
        token = await self._current_token()
        result: str = await self._run_sync(
            upload_attachment, self._client, filename, ConnectionToken=token, **kwargs
        )
        return result

    async def download_attachment(self, attachment_id: str, filename: Any, **kwargs: Any) -> str:
        """Download an attachment to ``filename``; return the path written.

        Keywords are those of ``transfer.download_attachment``.
        """
        from ..transfer import download_attachment

        token = await self._current_token()
        result: str = await self._run_sync(
            download_attachment,
            self._client,
            attachment_id,
            filename,
            ConnectionToken=token,
            **kwargs,
        )
        return result

    # -- events ----------------------------------------------------------------------

    def events(self, *, timeout: Optional[float] = None) -> AsyncIterator[ChatEvent]:
        """Iterate over the chat's events, in order, each item once.

        The iteration ends after a :class:`ChatEndedEvent`, after :meth:`close`
        once the buffered events are drained, or when no event arrives within
        ``timeout`` seconds. It raises ``ChatConnectionError`` when
        ``max_reconnect_attempts`` ran out. ``timeout`` is ``None`` or a finite
        number of seconds from 0 to one year: anything else (NaN, infinity, a
        negative number) is a ``ChatConfigError``, a non-number a ``ChatArgumentError``.

        Examples
        --------
        >>> async def show(chat: AsyncChatSession) -> None:
        ...     async for event in chat.events(timeout=60):
        ...         print(event.kind, getattr(event, "content", ""))
        """
        check_timeout(timeout)
        self._claim_consumer(_EVENTS)
        return self._iterate(timeout)

    async def _iterate(self, timeout: Optional[float]) -> AsyncIterator[ChatEvent]:
        while True:
            event = await self._next_event(timeout)
            if event is None:
                return
            yield event

    def on(self, kind: EventKind, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event of ``kind`` (a ``kind`` name such as
        ``"message"``, an event class, or ``None`` for all). ``callback`` may be a
        coroutine function. Returns a function that removes the callback.

        Callbacks run one at a time, in event order, on the session's loop; an
        exception in one is logged and does not stop the others.

        Examples
        --------
        >>> def register(chat: AsyncChatSession) -> None:
        ...     chat.on("message", lambda event: print(event.content))
        ...     chat.on("chat.ended", lambda event: print("bye"))
        """
        kind, callback = resolve_kind(kind), check_callback(callback)
        self._claim_consumer(_CALLBACKS)
        remove = self._callbacks.add(kind, callback)
        if self._phase == _OPEN and self._dispatcher is None:
            self._start_dispatcher()
        return remove

    def _claim_consumer(self, consumer: str) -> None:
        if not self._websocket:
            raise ChatNotConnectedError(
                "this session has no websocket (created with websocket=False): no events"
            )
        if self._consumer is not None and self._consumer != consumer:
            raise ChatUsageError(
                f"this session's events are consumed by {self._consumer}; "
                f"use either events() or on() callbacks, not both"
            )
        self._consumer = consumer

    def _start_dispatcher(self) -> None:
        self._dispatcher = asyncio.get_running_loop().create_task(self._dispatch())

    async def _dispatch(self) -> None:
        try:
            while True:
                event = await self._next_event(None)
                if event is None:
                    return
                await self._callbacks.dispatch_async(event)
        except Exception as error:
            logger.error("chat event stream ended with an error: %s", describe_error(error))

    async def _next_event(self, timeout: Optional[float]) -> Optional[ChatEvent]:
        """The next event, or ``None`` at the end of the stream or after ``timeout``."""
        if self._buffer is None:
            if self._phase == _CLOSED:
                return None
            raise ChatNotConnectedError("connect() the session (or use it with `with`) first")
        got = await self._buffer.get(timeout)
        if got is None:
            return None
        if isinstance(got, Closed):
            if got.error is not None:
                raise got.error
            return None
        self._note_consumed(got)
        return got

    async def _next_events(self, timeout: Optional[float], limit: int) -> list[ChatEvent]:
        """Every ready event (at most ``limit``), not yet marked consumed: the thread
        driver takes a backlog in one hop. ``[]`` at the end or after ``timeout``."""
        if self._buffer is None:
            if self._phase == _CLOSED:
                return []
            raise ChatNotConnectedError("connect() the session (or use it with `with`) first")
        got = await self._buffer.get_ready(timeout, limit=limit)
        if got is None:
            return []
        if isinstance(got, Closed):
            if got.error is not None:
                raise got.error
            return []
        return got

    async def _give_back(self, *events: ChatEvent) -> None:
        if self._buffer is not None:
            for event in reversed(events):
                await self._buffer.push_front(event)

    def _note_consumed(self, event: ChatEvent) -> None:
        if isinstance(event, ItemEvent) and event.raw is not None and anchors(event.raw):
            self._consumed_anchor = (event.id, event.absolute_time)

    # -- saved state -----------------------------------------------------------------

    def save_state(self) -> SessionState:
        """Everything needed to :meth:`resume` this chat elsewhere (tokens included:
        store it like a password; its repr hides them).

        ``last_item_id`` is the last item the consumer has taken, so a resumed
        websocket session re-delivers anything received but not yet consumed.
        """
        if self._connection_token is None:
            raise ChatNotConnectedError("nothing to save before the first connect()")
        last_id, last_time = self._consumed_anchor
        return SessionState(
            connection_token=self._connection_token,
            connection_expiry=self._connection_expiry,
            participant_token=self._participant_token,
            region_name=self._client.meta.region_name,
            endpoint_url=self._endpoint_url,
            participant_id=self._participant_id,
            last_item_id=last_id,
            last_item_time=last_time,
            own_message_ids=tuple(self._book.own_ids()[-MAX_SAVED_IDS:]),
            receipts_sent=tuple(self._book.sent_items()[-MAX_SAVED_IDS:]),
            typing_sent_at=self._typing.last_sent,
            chat_ended=self._chat_ended,
        )

    # -- calls and tokens --------------------------------------------------------------

    def _ensure_executor(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._executor is None:
            if self._phase == _CLOSED:
                raise ChatUsageError("this session is closed")
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._config.api_workers, thread_name_prefix="cpx-chat-api"
            )
        return self._executor

    async def _run_sync(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(function, *args, **kwargs)
        return await loop.run_in_executor(self._ensure_executor(), call)

    async def _current_token(self) -> str:
        self._bind_loop()
        await self._ensure_fresh_token()
        token = self._connection_token
        if token is None:
            raise ChatNotConnectedError("connect() the session (or use it with `with`) first")
        return token

    async def _call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call ``operation`` with the ConnectionToken. A 403 with a ParticipantToken at
        hand gets one new ConnectionToken and one retry (the token may have been revoked
        or expired early); a 403 on that is the end of the chat."""
        token = await self._current_token()
        method = getattr(self._client, operation)
        try:
            response: dict[str, Any] = await self._run_sync(method, ConnectionToken=token, **params)
            return response
        except Exception as error:
            if not is_access_denied(error) or self._participant_token is None:
                raise
            if self._chat_ended:
                raise ChatEndedError("the chat has ended") from None
            first_error = error
        try:
            await self._create_connection(["CONNECTION_CREDENTIALS"])
        except ChatGone:
            await self._learn_chat_ended()
            raise ChatEndedError(
                f"the chat has ended ({operation} was refused and so was a new connection)"
            ) from None
        except Exception:
            raise first_error from None
        token = await self._current_token()
        retried: dict[str, Any] = await self._run_sync(method, ConnectionToken=token, **params)
        return retried

    async def _create_connection(
        self, types: list[str], *, connect_participant: bool = False
    ) -> dict[str, Any]:
        """CreateParticipantConnection; ``ChatGone`` on 403; new credentials are bound."""
        if self._participant_token is None:
            raise ChatNotConnectedError(
                "this session has no ParticipantToken, so it cannot create a connection "
                "(it was resumed from a state saved without one)"
            )
        params: dict[str, Any] = {"ParticipantToken": self._participant_token, "Type": types}
        if connect_participant:
            params["ConnectParticipant"] = True
        try:
            response: dict[str, Any] = await self._run_sync(
                self._client.create_participant_connection, **params
            )
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise
        credentials = response.get("ConnectionCredentials")
        if isinstance(credentials, Mapping) and credentials.get("ConnectionToken"):
            expiry = credentials.get("Expiry")
            self._set_credentials(
                str(credentials["ConnectionToken"]), None if expiry is None else str(expiry)
            )
        return response

    async def _create_websocket(self, *, refresh_credentials: bool) -> str:
        types = ["WEBSOCKET"] + (["CONNECTION_CREDENTIALS"] if refresh_credentials else [])
        return websocket_url(await self._create_connection(types))

    def _set_credentials(self, token: str, expiry: Optional[str]) -> None:
        self._connection_token = token
        self._connection_expiry = expiry
        self._token_obtained_at = time.time()
        bind_tokens(self._client, connection_token=token, participant_token=self._participant_token)
        if self._credentials_changed is not None:
            self._credentials_changed.set()

    def _refresh_due(self) -> Optional[float]:
        """Epoch seconds when the ConnectionToken should be refreshed (``None``: never)."""
        if self._chat_ended or self._participant_token is None:
            return None
        return token_refresh_due(
            self._connection_expiry,
            obtained_at=self._token_obtained_at or time.time(),
            margin=self._config.token_refresh_margin,
        )

    async def _ensure_fresh_token(self) -> None:
        due = self._refresh_due()
        if due is None or time.time() < due:
            return
        assert self._refresh_lock is not None
        gone = False
        async with self._refresh_lock:
            due = self._refresh_due()
            if due is None or time.time() < due:
                return
            try:
                await self._create_connection(["CONNECTION_CREDENTIALS"])
            except ChatGone:
                gone = True
            except Exception as error:
                expiry = parse_timestamp(self._connection_expiry or "") or 0.0
                if time.time() >= expiry:
                    raise
                logger.warning(
                    "ConnectionToken refresh failed, using the current one: %s",
                    describe_error(error),
                )
        if gone:
            await self._learn_chat_ended()
            raise ChatEndedError("the chat has ended (the service refused the participant)")

    async def _refresh_credentials_forever(self) -> None:
        """Refresh the ConnectionToken ahead of its expiry for as long as the session is open."""
        changed = self._credentials_changed
        assert changed is not None
        waits = refresh_retry_backoff(self._config.reconnect_max_delay)
        while not self._chat_ended:
            changed.clear()
            due = self._refresh_due()
            timeout = None if due is None else max(0.0, due - time.time())
            try:
                await asyncio.wait_for(changed.wait(), timeout)
                continue
            except asyncio.TimeoutError:
                pass
            try:
                await self._ensure_fresh_token()
            except ChatEndedError:
                return
            except Exception as error:
                logger.warning("ConnectionToken refresh failed: %s", describe_error(error))
            due = self._refresh_due()
            if due is not None and time.time() >= due:
                # The refresh failed and the old token is still in use: wait, do not spin.
                await asyncio.sleep(waits.next_delay())
            else:
                waits.reset()

    async def _transcript_iterator(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        from ..transcript import iter_transcript

        token = await self._current_token()
        return iter_transcript(self._client, ConnectionToken=token, **kwargs)

    # -- receipts ----------------------------------------------------------------------

    def _request_receipt(self, message_id: str, kind: str) -> bool:
        require_text(message_id, "message_id", limit=_MAX_ID_LENGTH)
        if self._chat_ended or not self._book.request(message_id, kind):
            return False
        loop = self._bind_loop()
        if message_id not in self._receipt_timers:
            self._receipt_timers[message_id] = loop.call_later(
                self._config.receipt_delay, self._receipt_due, message_id
            )
        return True

    def _receipt_due(self, message_id: str) -> None:
        self._receipt_timers.pop(message_id, None)
        task = asyncio.get_running_loop().create_task(self._send_receipt_logged(message_id))
        self._receipt_sends.add(task)
        task.add_done_callback(self._receipt_sends.discard)

    async def _send_receipt_logged(self, message_id: str) -> None:
        try:
            await self._send_receipt(message_id)
        except Exception as error:
            logger.warning("receipt for a message could not be sent: %s", describe_error(error))

    async def _send_receipt(self, message_id: str) -> None:
        kind = self._book.take(message_id)
        if kind is None:
            return
        try:
            await self._call(
                "send_event",
                ContentType=_RECEIPT_CONTENT_TYPES[kind],
                Content=json.dumps({"messageId": message_id}),
            )
        except BaseException:
            self._book.give_back(message_id, kind)
            raise

    async def _flush_receipts_quietly(self) -> None:
        if self._chat_ended or self._connection_token is None:
            return
        try:
            await self.flush_receipts()
        except Exception as error:
            logger.warning("queued receipts could not be sent: %s", describe_error(error))

    # -- state changes -----------------------------------------------------------------

    def _require_not_ended(self) -> None:
        if self._chat_ended:
            raise ChatEndedError("the chat has ended")

    def _mark_ended(self) -> None:
        self._chat_ended = True
        if self._end_seen is not None:
            self._end_seen.set()
        self._book.mark_ended()
        for handle in self._receipt_timers.values():
            handle.cancel()
        self._receipt_timers.clear()
        if self._credentials_changed is not None:
            self._credentials_changed.set()

    async def _learn_chat_ended(self) -> None:
        """The service said the chat is over outside the event stream (a 403 on refresh)."""
        if self._chat_ended:
            return
        self._mark_ended()
        if self._stream is not None and not self._stream.ended:
            await self._stream.end_offline()

    def _observe(self, item: Mapping[str, Any]) -> None:
        item_id = item.get("Id")
        sender = item.get("ParticipantId")
        if not isinstance(item_id, str) or not isinstance(sender, str):
            return
        if item.get("Type") not in ("MESSAGE", "ATTACHMENT"):
            return
        # Our own message can come back on the socket before SendMessage answers.
        self._senders[item_id] = sender
        while len(self._senders) > MAX_SAVED_IDS:
            self._senders.popitem(last=False)
        if self._participant_id is None and self._book.is_own(item_id):
            self._learn_participant_id(sender)
        if sender == self._participant_id:
            self._book.mark_own(item_id)

    def _note_own(self, message_id: str) -> None:
        self._book.mark_own(message_id)
        sender = self._senders.get(message_id)
        if self._participant_id is None and sender is not None:
            self._learn_participant_id(sender)

    def _learn_participant_id(self, participant_id: str) -> None:
        self._participant_id = participant_id
        for item_id, sender in self._senders.items():
            if sender == participant_id:
                self._book.mark_own(item_id)


def check_wait_for_end(wait_for_end: Any) -> None:
    """``disconnect(wait_for_end=...)`` takes ``None`` or finite seconds >= 0."""
    if wait_for_end is not None and (
        isinstance(wait_for_end, bool)
        or not isinstance(wait_for_end, (int, float))
        or not math.isfinite(wait_for_end)
        or wait_for_end < 0
    ):
        raise ChatConfigError(
            f"wait_for_end must be None or a finite number of seconds >= 0, got {wait_for_end!r}"
        )


__all__ = ["AsyncChatSession", "Callback", "EventKind"]
