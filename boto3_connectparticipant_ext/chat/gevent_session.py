"""GeventChatSession: a chat session for gevent programs (a Locust load test), no thread.

Run it in a process patched by ``gevent.monkey.patch_all()`` (botocore's calls
then yield to other greenlets). Each session is a few greenlets (socket reader,
timers), never an OS thread nor an event loop. It shares the rules of the other
drivers: the service's frames (``_protocol``), ordering and deduplication
(``_sequencer``), heartbeat and ping timing (``_schedule.Keepalive``), the
callback dispatcher (``_callbacks``) and the argument checks (``_arguments``).
The websocket is the websockets library's sans-I/O ``ClientProtocol`` over a
(gevent) socket.

Scope, for now: connect, subscribe, events (``events()`` or ``on()``),
``send_message``, ``send_typing`` (no throttle), ``disconnect`` and ``close``.
It does not reconnect, fill gaps nor refresh tokens: a lost socket delivers a
``ConnectionLostEvent`` and then ends ``events()`` with a
:class:`~.errors.ChatConnectionError` (nothing is dropped silently). Use
:class:`ChatSession` where those matter.

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

import logging
import socket
import ssl
import time
from collections.abc import Iterator
from typing import Any, Callable, Optional

from ..auth import bind_tokens as bind_client_tokens
from ..redact import mask, redact_text
from . import _protocol as protocol
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
from ._schedule import LOST, PING_UNANSWERED, SEND_HEARTBEAT, SEND_PING, Keepalive
from ._sequencer import Sequencer
from ._service_errors import websocket_url
from .config import ChatConfig
from .errors import ChatConnectionError, ChatEndedError, ChatNotConnectedError, ChatUsageError
from .events import (
    ChatEndedEvent,
    ChatEvent,
    ConnectionEstablishedEvent,
    ConnectionLostEvent,
    DeepHeartbeatFailedEvent,
)
from .sent import SentMessage

logger = logging.getLogger("boto3_connectparticipant_ext.chat")
_TYPING = "application/vnd.amazonaws.connect.event.typing"
_NO_RECONNECT = "chat websocket lost (GeventChatSession does not reconnect)"


def _gevent() -> Any:
    """The ``gevent`` package (imported on first use: it is an optional dependency)."""
    try:
        import gevent
        import gevent.event
        import gevent.queue
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "GeventChatSession needs gevent: pip install 'boto3-connectparticipant-ext[gevent]'"
        ) from error
    return gevent


class _End:
    """The last thing in the queue: the stream is over (``error``: why, if it failed)."""

    def __init__(self, error: Optional[BaseException]) -> None:
        self.error = error


class _Websocket:
    """One client websocket: sans-I/O protocol object, blocking (greenlet) socket."""

    def __init__(self, url: str, timeout: float) -> None:
        from websockets.client import ClientProtocol
        from websockets.http11 import Response
        from websockets.uri import parse_uri

        uri = parse_uri(url)
        raw = socket.create_connection((uri.host, uri.port), timeout)
        self._sock: socket.socket = (
            ssl.create_default_context().wrap_socket(raw, server_hostname=uri.host)
            if uri.secure
            else raw
        )
        self._protocol = ClientProtocol(uri, max_size=2**22)
        self._protocol.send_request(self._protocol.connect())
        self._flush()
        self._pending: list[Any] = []
        self._fragments: list[bytes] = []
        while not self._pending:
            self._feed()
        first = self._pending.pop(0)
        if not isinstance(first, Response) or self._protocol.handshake_exc is not None:
            self.close()
            raise ChatConnectionError("chat websocket handshake failed")
        self._sock.settimeout(None)

    def _flush(self) -> None:
        for data in self._protocol.data_to_send():
            if data:
                self._sock.sendall(data)

    def _feed(self) -> None:
        data = self._sock.recv(65536)
        if data:
            self._protocol.receive_data(data)
        else:
            self._protocol.receive_eof()
        self._pending.extend(self._protocol.events_received())
        self._flush()  # pongs and the closing handshake
        if not data and not self._pending:
            raise ConnectionError("socket closed")

    def receive(self) -> list[str]:
        """The next text messages (at least one); ``ConnectionError`` once closed."""
        from websockets.frames import Opcode

        texts: list[str] = []
        while not texts:
            if not self._pending:
                self._feed()
            for frame in self._pending:
                if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
                    self._fragments.append(frame.data)
                    if frame.fin:
                        texts.append(b"".join(self._fragments).decode("utf-8", "replace"))
                        self._fragments = []
                elif frame.opcode == Opcode.CLOSE:
                    raise ConnectionError("socket closed by the peer")
            self._pending = []
        return texts

    def send(self, text: str) -> None:
        self._protocol.send_text(text.encode())
        self._flush()

    def close(self) -> None:
        try:
            self._protocol.send_close()
            self._flush()
        except Exception:  # already closed or broken: closing is all that is left
            pass
        self._sock.close()


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
        self._socket: Optional[_Websocket] = None
        self._timing: Optional[Keepalive] = None
        self._greenlets: list[Any] = []
        self._subscribed: Any = None
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
        if self._socket is not None:
            return
        response = self._client.create_participant_connection(
            ParticipantToken=self._participant_token,
            Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
            ConnectParticipant=True,
        )
        self._connection_token = str(response["ConnectionCredentials"]["ConnectionToken"])
        if self._bind_tokens:
            bind_client_tokens(
                self._client,
                connection_token=self._connection_token,
                participant_token=self._participant_token,
            )
        link = _Websocket(websocket_url(response), self._config.open_timeout)
        self._socket = link
        self._subscribed = _gevent().event.AsyncResult()
        self._greenlets.append(_gevent().spawn(self._read, link))
        link.send(protocol.SUBSCRIBE_FRAME)
        try:
            ok = self._subscribed.get(timeout=self._config.subscribe_timeout)
        except _gevent().Timeout:
            ok = False
        if not ok:
            self.close()
            raise ChatConnectionError("chat websocket subscription failed")
        self._timing = Keepalive(
            heartbeat_interval=self._config.heartbeat_interval,
            ping_interval=self._config.ping_interval,
            now=time.monotonic(),
        )
        self._put(ConnectionEstablishedEvent())
        self._greenlets.append(_gevent().spawn(self._keepalive, link, self._timing))

    def close(self) -> None:
        """Close the socket and stop the greenlets; buffered events stay readable."""

        if self._closed:
            return
        self._closed = True
        current = _gevent().getcurrent()
        _gevent().killall([g for g in self._greenlets if g is not current], block=True)
        if self._socket is not None:
            self._socket.close()
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

    # -- the socket --------------------------------------------------------------------

    def _put(self, event: ChatEvent) -> None:
        self._queue.put(event)

    def _end(self, error: Optional[BaseException]) -> None:
        if not self._ending:
            self._ending = True
            self._queue.put(_End(error))

    def _read(self, link: _Websocket) -> None:
        try:
            while True:
                for text in link.receive():
                    self._on_frame(protocol.parse_frame(text))
        except Exception as error:
            if self._closed or self._chat_ended:
                return
            reason = redact_text(str(error)) or type(error).__name__
            self._put(ConnectionLostEvent(reason=reason))
            self._end(
                ChatConnectionError("chat websocket lost (GeventChatSession does not reconnect)")
            )

    def _on_frame(self, frame: protocol.Frame) -> None:
        if frame.kind == protocol.ITEM and frame.item is not None:
            for event in self._sequencer.accept(frame.item, from_transcript=False):
                self._put(event)
                if isinstance(event, ChatEndedEvent):
                    self._chat_ended = True
                    self._end(None)
                    return
        elif frame.kind == protocol.HEARTBEAT and self._timing is not None:
            self._timing.heartbeat_received()
        elif frame.kind == protocol.PING and self._timing is not None:
            self._timing.ping_received()
            if not frame.ok:
                self._put(DeepHeartbeatFailedEvent(reason=frame.detail))
        elif (
            frame.kind == protocol.SUBSCRIBE
            and self._subscribed is not None
            and not self._subscribed.ready()
        ):
            self._subscribed.set(frame.ok)

    def _keepalive(self, link: _Websocket, timing: Keepalive) -> None:

        while not (self._closed or self._chat_ended):
            wake = timing.deadline()
            if self._sequencer.holding:
                wake = min(wake, time.monotonic() + self._sequencer.chunk_wait / 4)
            _gevent().sleep(max(0.0, wake - time.monotonic()))
            for event in self._sequencer.release_overdue():
                self._put(event)
            for action in timing.on_time(time.monotonic(), stalled=self._queue.full()):
                if action == LOST:
                    link.close()  # the reader sees it and reports the loss
                    return
                if action == SEND_HEARTBEAT:
                    link.send(protocol.HEARTBEAT_FRAME)
                elif action == SEND_PING:
                    link.send(protocol.PING_FRAME)
                elif action == PING_UNANSWERED:
                    self._put(DeepHeartbeatFailedEvent(reason="no answer to aws/ping"))


__all__ = ["GeventChatSession"]
