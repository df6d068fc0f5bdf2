"""GeventChatSession: a chat session for gevent programs (a Locust load test), no thread.

Run it in a process patched by ``gevent.monkey.patch_all()`` (botocore's calls
then yield to other greenlets). Each session is a few greenlets (socket reader,
timers, supervisor), never an OS thread nor an event loop. It is a driver of
the same engine as :class:`ChatSession` (``_connection.Connection``, driven by
``_gevent_stream.GeventStream``): heartbeats and deep pings, reconnect with
backoff after a lost socket, gap fill from the transcript (GetTranscript, items
the socket sends meanwhile held and then delivered, each item once),
make-before-break socket refresh before ``ChatConfig.socket_max_age``, ordering,
deduplication and the chat's end (also while offline). It shares the callback
dispatcher (``_callbacks``) and the argument checks (``_arguments``).

Scope: connect, events (``events()`` or ``on()``), ``send_message``,
``send_typing`` (no throttle), ``disconnect`` and ``close``. It does not refresh
the ConnectionToken on a timer (a reconnect gets a new one) and sends no read
receipts. When the reconnect attempts run out (``max_reconnect_attempts``),
``events()`` ends with a :class:`~.errors.ChatConnectionError` (nothing is
dropped silently).

Examples
--------
>>> from gevent import monkey  # doctest: +SKIP
>>> monkey.patch_all()  # doctest: +SKIP
>>> def user(token: str) -> None:
...     with GeventChatSession(token, region_name="us-east-1") as chat:
...         chat.send_message("Hello")
...         for event in chat.events(timeout=30):
...             print(event.kind)
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Optional

from ..auth import bind_tokens as bind_client_tokens
from ..redact import describe_error, mask
from . import _gap_fill as gap_fill
from ._arguments import (
    Callback,
    EventKind,
    check_callback,
    check_message,
    check_session_arguments,
    check_timeout,
    require_bool,
    resolve_kind,
)
from ._callbacks import Callbacks
from ._client import build_client
from ._gevent_stream import GeventStream
from ._gevent_stream import gevent_module as _gevent
from ._sequencer import Sequencer
from ._service_errors import is_access_denied, is_validation_error, websocket_url
from ._stream_api import ChatGone
from .config import ChatConfig
from .errors import ChatEndedError, ChatNotConnectedError, ChatUsageError
from .events import ChatEvent
from .sent import SentMessage

logger = logging.getLogger("boto3_connectparticipant_ext.chat")
_TYPING = "application/vnd.amazonaws.connect.event.typing"


class _End:
    """The last thing in the queue: the stream is over (``error``: why, if it failed)."""

    def __init__(self, error: Optional[BaseException]) -> None:
        self.error = error


class GeventChatSession:
    """One participant's chat under gevent. Arguments as :class:`ChatSession`'s.

    ``bind_tokens=False`` leaves the client's bound tokens alone, so one ``client`` can
    serve many sessions at once (the load tester's case): the session passes its
    :attr:`connection_token` in every call it makes.

    Examples
    --------
    >>> def register(chat: GeventChatSession) -> None:
    ...     chat.on("message", lambda event: print(event.content))
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
        leave_on_exit: bool = True,
        participant_id: Optional[str] = None,
        bind_tokens: bool = True,
    ) -> None:
        require_bool(bind_tokens, "bind_tokens")

        self._participant_token = check_session_arguments(
            participant_token=participant_token,
            token_required=True,
            region_name=region_name,
            endpoint_url=endpoint_url,
            client=client,
            session=session,
            config=config,
            chat_config=chat_config,
            websocket=True,
            leave_on_exit=leave_on_exit,
            participant_id=participant_id,
            id_limit=256,
        )
        self._config = chat_config or ChatConfig()
        self._client = build_client(
            client=client,
            session=session,
            region_name=region_name,
            endpoint_url=endpoint_url,
            config=config,
        )
        self._leave_on_exit = leave_on_exit
        self._bind_tokens = bind_tokens
        self._connection_token: Optional[str] = None
        self._queue: Any = _gevent().queue.Queue(self._config.max_buffered_events)
        self._sequencer = Sequencer(chunk_wait=self._config.chunk_wait)
        self._callbacks = Callbacks()
        self._stream: Optional[GeventStream] = None
        self._greenlets: list[Any] = []
        self._chat_ended = False
        self._closed = False
        self._ending = False
        self._final: Optional[_End] = None  # the end, once a consumer has seen it

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(chat_ended={self._chat_ended}, "
            f"participant_token={mask(self._participant_token)}, "
            f"connection_token={mask(self._connection_token)})"
        )

    @property
    def client(self) -> Any:
        return self._client

    @property
    def chat_ended(self) -> bool:
        return self._chat_ended

    @property
    def connection_token(self) -> Optional[str]:
        """The ConnectionToken once connected (for calls on a shared, unbound client)."""
        return self._connection_token

    def __enter__(self) -> GeventChatSession:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._leave_on_exit:
            self.disconnect()
        else:
            self.close()

    # -- lifecycle -------------------------------------------------------------------

    def connect(self) -> None:
        """CreateParticipantConnection (WEBSOCKET, CONNECTION_CREDENTIALS,
        ``ConnectParticipant``), open the socket and subscribe."""

        if self._closed:
            raise ChatUsageError("a closed session cannot connect again")
        if self._stream is not None:
            return
        response = self._client.create_participant_connection(
            ParticipantToken=self._participant_token,
            Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
            ConnectParticipant=True,
        )
        self._bind(response)
        self._stream = GeventStream(
            config=self._config, hooks=_Hooks(self), sequencer=self._sequencer
        )
        try:
            self._stream.start(websocket_url(response))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the socket and stop the greenlets; buffered events stay readable."""

        if self._closed:
            return
        self._closed = True
        if self._stream is not None:
            self._stream.close()
        current = _gevent().getcurrent()
        _gevent().killall([g for g in self._greenlets if g is not current], block=True)
        self._end(None)

    def disconnect(self) -> None:
        """Leave the chat (DisconnectParticipant), then :meth:`close`."""
        try:
            if self._connection_token is not None and not self._chat_ended:
                self._client.disconnect_participant(ConnectionToken=self._connection_token)
        finally:
            self.close()

    # -- the service API ---------------------------------------------------------------

    def _token(self) -> str:
        if self._chat_ended:
            raise ChatEndedError("the chat has ended")
        if self._connection_token is None:
            raise ChatNotConnectedError("connect() the session (or use it with `with`) first")
        return self._connection_token

    def send_message(self, content: str, *, content_type: str = "text/plain") -> SentMessage:
        """Send a message; return its ``Id`` as a :class:`~.sent.SentMessage`."""
        check_message(content, content_type)
        response = self._client.send_message(
            ConnectionToken=self._token(), Content=content, ContentType=content_type
        )
        return SentMessage.from_response(response)

    def send_typing(self) -> None:
        """Send a typing event (not throttled here)."""
        self._client.send_event(
            ConnectionToken=self._token(),
            ContentType="application/vnd.amazonaws.connect.event.typing",
        )

    # -- events ----------------------------------------------------------------------

    def events(self, *, timeout: Optional[float] = None) -> Iterator[ChatEvent]:
        """Iterate over the chat's events; ends at the chat's end, after :meth:`close`,
        or when no event comes within ``timeout`` seconds."""

        check_timeout(timeout)
        while self._final is None:
            try:
                got = self._queue.get(timeout=timeout)
            except _gevent().queue.Empty:
                return
            if isinstance(got, _End):
                self._final = got
                break
            yield got
        if self._final.error is not None:
            raise self._final.error

    def on(self, kind: EventKind, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event of ``kind`` on a dispatcher greenlet."""

        remove = self._callbacks.add(resolve_kind(kind), check_callback(callback))
        if not any(getattr(g, "dispatcher", False) for g in self._greenlets):
            dispatcher = _gevent().spawn(self._dispatch)
            dispatcher.dispatcher = True
            self._greenlets.append(dispatcher)
        return remove

    def _dispatch(self) -> None:
        for event in self.events():
            self._callbacks.dispatch(event)

    def _bind(self, response: Mapping[str, Any]) -> None:
        self._connection_token = str(response["ConnectionCredentials"]["ConnectionToken"])
        if self._bind_tokens:
            bind_client_tokens(
                self._client,
                connection_token=self._connection_token,
                participant_token=self._participant_token,
            )

    def _end(self, error: Optional[BaseException]) -> None:
        if not self._ending:
            self._ending = True
            self._queue.put(_End(error))


class _Hooks:
    """The session seen from its :class:`GeventStream` (``_gevent_stream.GeventHooks``)."""

    def __init__(self, session: GeventChatSession) -> None:
        self._session = session

    def create_websocket(self, *, refresh_credentials: bool) -> str:
        """A new websocket URL (and ConnectionToken if ``refresh_credentials``)."""
        session = self._session
        types = ["WEBSOCKET"] + (["CONNECTION_CREDENTIALS"] if refresh_credentials else [])
        try:
            response = session._client.create_participant_connection(
                ParticipantToken=session._participant_token, Type=types
            )
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise
        if refresh_credentials:
            session._bind(response)
        return websocket_url(response)

    def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> Iterator[Mapping[str, Any]]:
        """Transcript items after the anchor, oldest first, by the rules of ``_gap_fill``
        (by the anchor's id; by its time, or all of it, when the service does not know it)."""
        try:
            yield from self._transcript_after(anchor_id, anchor_time)
        except Exception as error:
            if is_access_denied(error):
                raise ChatGone() from None
            raise

    def _transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> Iterator[Mapping[str, Any]]:
        from ..transcript import iter_transcript

        def walk(**position: Any) -> Iterator[dict[str, Any]]:
            token = self._session._connection_token
            return iter_transcript(self._session._client, ConnectionToken=token, **position)

        if anchor_id is None:
            yield from walk()  # nothing seen and nothing there at connect: all of it is new
            return
        try:
            by_id = walk(**gap_fill.by_id(anchor_id))
            first = list(itertools.islice(by_id, 1))
            unknown = None if first else gap_fill.NO_ITEM_AT_ANCHOR
        except Exception as error:
            if not is_validation_error(error):
                raise  # 403, throttling, 5xx: the reconnect loop decides
            unknown = describe_error(error)
        if unknown is not None:
            yield from walk(**gap_fill.without_id(anchor_time, unknown))
            return
        yield from gap_fill.after_anchor(first, anchor_id)
        yield from by_id

    def latest_item(self) -> Optional[Mapping[str, Any]]:
        """The newest transcript item (the first anchor)."""
        session = self._session
        response = session._client.get_transcript(
            ConnectionToken=session._connection_token, **gap_fill.NEWEST_ITEM
        )
        return gap_fill.newest_item(response)

    def deliver(self, event: ChatEvent) -> None:
        self._session._queue.put(event)

    def backpressured(self) -> bool:
        return bool(self._session._queue.full())

    def chat_ended(self) -> None:
        session = self._session
        session._chat_ended = True
        session._end(None)

    def stream_failed(self, error: BaseException) -> None:
        self._session._end(error)


__all__ = ["GeventChatSession"]
