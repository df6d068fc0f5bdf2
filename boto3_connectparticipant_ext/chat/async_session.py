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

from collections.abc import AsyncIterator
from typing import Any, Callable, Optional

from ..redact import mask
from . import _saved_state, _throttle
from ._arguments import (
    Callback,
    EventKind,
    check_callback,
    check_message,
    check_session_arguments,
    check_timeout,
    check_wait_for_end,
    require_text,
    resolve_kind,
)
from ._consumer import CALLBACKS_CONSUMER, EVENTS_CONSUMER
from ._parts import SessionParts, build_parts
from .config import ChatConfig
from .events import EVENT_PREFIX, ChatEvent
from .sent import SentMessage
from .state import SessionState

TYPING = EVENT_PREFIX + "typing"
_MAX_ID_LENGTH = 256


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
        parts = build_parts(
            participant_token,
            client=client,
            session=session,
            region_name=region_name,
            endpoint_url=endpoint_url,
            config=config,
            chat_config=chat_config,
            websocket=websocket,
            leave_on_exit=leave_on_exit,
            participant_id=participant_id,
            state=_state,
        )
        self._parts, self._calls, self._life = parts, parts.calls, parts.lifecycle
        self._events, self._own = parts.events, parts.own

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
        region_name, endpoint_url = _saved_state.resume_target(
            state, region_name=region_name, endpoint_url=endpoint_url, client=client
        )
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

    def __repr__(self) -> str:
        credentials = self._calls.credentials
        return (
            f"{type(self).__name__}(phase={self._life.phase!r}, websocket={self._life.websocket}, "
            f"chat_ended={self._life.chat_ended}, "
            f"participant_token={mask(credentials.participant_token)}, "
            f"connection_token={mask(credentials.connection_token)})"
        )

    # -- properties ------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The session's unsigned ``connectparticipant`` client (ConnectionToken bound)."""
        return self._calls.client

    @property
    def chat_config(self) -> ChatConfig:
        return self._parts.config

    @property
    def connected(self) -> bool:
        """Whether the session is open (and, with a websocket, its socket is live)."""
        return self._life.connected

    @property
    def chat_ended(self) -> bool:
        return self._life.chat_ended

    @property
    def participant_id(self) -> Optional[str]:
        """This participant's id once known (given, saved, or learnt from an own message)."""
        return self._own.participant_id

    @property
    def parts(self) -> SessionParts:
        """Package-internal (not public API): the components this session wires together."""
        return self._parts

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> AsyncChatSession:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._parts.leave_on_exit:
            await self.disconnect()
        else:
            await self.close()

    async def connect(self) -> None:
        """Create the connection (CreateParticipantConnection with WEBSOCKET and
        CONNECTION_CREDENTIALS, ``ConnectParticipant=True``), bind the
        ConnectionToken to the client, open the socket and subscribe.

        A resumed session reuses its ConnectionToken. Idempotent while open.
        """
        await self._life.connect()

    async def close(self) -> None:
        """Send pending receipts, close the socket and stop background work.

        The chat itself goes on (use :meth:`disconnect` to leave it). Events
        already received stay available to :meth:`events` until drained.
        Idempotent.
        """
        await self._life.close()

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
        await self._life.disconnect(wait_for_end)

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
        self._life.require_not_ended()
        sent = await self._calls.send_message(content, content_type)
        self._own.sent(sent.id)
        return sent

    async def send_typing(self) -> bool:
        """Send a typing event, at most one per ``typing_interval`` (10 s).

        Returns ``True`` when an event was sent, ``False`` for a throttled
        call or after the chat ended (no-ops, never errors).
        """
        if self._life.chat_ended or not self._parts.typing.try_acquire():
            return False
        try:
            await self._calls.call("send_event", ContentType=TYPING)
        except BaseException:
            self._parts.typing.release()
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
        await self._parts.receipts.flush()

    async def describe_view(self, view_token: str) -> dict[str, Any]:
        """Return the ``View`` of a step-by-step guide (DescribeView)."""
        require_text(view_token, "view_token")
        response = await self._calls.call("describe_view", ViewToken=view_token)
        view: dict[str, Any] = response["View"]
        return view

    async def get_authentication_url(self, session_id: str, redirect_uri: str) -> str:
        """Return the URL that authenticates the customer (GetAuthenticationUrl)."""
        require_text(session_id, "session_id")
        require_text(redirect_uri, "redirect_uri")
        response = await self._calls.call(
            "get_authentication_url", SessionId=session_id, RedirectUri=redirect_uri
        )
        return str(response["AuthenticationUrl"])

    async def cancel_participant_authentication(self, session_id: str) -> None:
        """Cancel an authentication in progress (CancelParticipantAuthentication)."""
        require_text(session_id, "session_id")
        await self._calls.call("cancel_participant_authentication", SessionId=session_id)

    async def transcript(self, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """Iterate over the transcript (``iter_transcript`` keywords: ``Order``,
        ``AfterId``, ``BeforeId``, ``ContactId``, ``MaxResults`` ...)."""
        async for item in self._calls.transcript(**kwargs):
            yield item

    async def upload_attachment(self, filename: Any, **kwargs: Any) -> str:
        """Upload a file as an attachment; return its ``AttachmentId``.

        Keywords are those of ``transfer.upload_attachment`` (``AttachmentName``,
        ``ContentType``, ``Callback``, ``Config``).
        """
        self._life.require_not_ended()
        return await self._calls.upload_attachment(filename, **kwargs)

    async def download_attachment(self, attachment_id: str, filename: Any, **kwargs: Any) -> str:
        """Download an attachment to ``filename``; return the path written.

        Keywords are those of ``transfer.download_attachment``.
        """
        return await self._calls.download_attachment(attachment_id, filename, **kwargs)

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
        self._events.claim(EVENTS_CONSUMER)
        return self._iterate(timeout)

    async def _iterate(self, timeout: Optional[float]) -> AsyncIterator[ChatEvent]:
        while True:
            event = await self._events.next_event(timeout)
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
        self._events.claim(CALLBACKS_CONSUMER)
        remove = self._parts.callbacks.add(kind, callback)
        self._life.callbacks_added()
        return remove

    # -- saved state -----------------------------------------------------------------

    def save_state(self) -> SessionState:
        """Everything needed to :meth:`resume` this chat elsewhere (tokens included:
        store it like a password; its repr hides them).

        ``last_item_id`` is the last item the consumer has taken, so a resumed
        websocket session re-delivers anything received but not yet consumed.
        """
        return self._parts.save_state()

    # -- receipts ----------------------------------------------------------------------

    def _request_receipt(self, message_id: str, kind: str) -> bool:
        require_text(message_id, "message_id", limit=_MAX_ID_LENGTH)
        if self._life.chat_ended:
            return False
        return self._parts.receipts.request(message_id, kind, self._calls.bind_loop())


__all__ = ["AsyncChatSession", "Callback", "EventKind"]
