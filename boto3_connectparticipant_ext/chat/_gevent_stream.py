"""The gevent driver of the chat connection engine (``_connection.Connection``).

The engine decides (frames, timers, make-before-break refresh, reconnect with
backoff, gap fill from the transcript, the chat's end); this module performs,
in a process patched by ``gevent.monkey.patch_all()``: a reader and a keepalive
greenlet per socket and a supervisor greenlet running the engine's sequences.
Blocking calls (sockets, botocore through :class:`GeventHooks`) yield to the
other greenlets. The websocket is the websockets library's sans-I/O
``ClientProtocol`` over a (gevent) socket.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Optional, Protocol

from ..redact import redact_text
from . import _protocol as protocol
from ._connection import (
    Connection,
    CreateWebsocket,
    Deliver,
    Discard,
    DrainHeld,
    Fail,
    FillGap,
    LatestItem,
    Link,
    Open,
    Operation,
    Retire,
    Steps,
    Use,
    Wait,
)
from ._frames import MAX_SIZE, MessageAssembler
from ._schedule import LOST, PING_UNANSWERED, SEND_HEARTBEAT, SEND_PING
from ._sequencer import Sequencer
from .config import ChatConfig
from .errors import ChatConnectionError
from .events import ChatEndedEvent, ChatEvent, DeepHeartbeatFailedEvent

logger = logging.getLogger("boto3_connectparticipant_ext.chat")


def gevent_module() -> Any:
    """The ``gevent`` package (imported on first use: it is an optional dependency)."""
    try:
        import gevent
        import gevent.event
        import gevent.lock
        import gevent.queue
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "GeventChatSession needs gevent: pip install 'boto3-connectparticipant-ext[gevent]'"
        ) from error
    return gevent


class GeventHooks(Protocol):
    """What the driver needs from its session; calls may block (they yield under gevent)."""

    def create_websocket(self, *, refresh_credentials: bool) -> str: ...

    def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> Iterator[Mapping[str, Any]]: ...

    def latest_item(self) -> Optional[Mapping[str, Any]]: ...

    def deliver(self, event: ChatEvent) -> None:
        """Hand one event to the consumer, blocking while its buffer is full."""
        ...

    def backpressured(self) -> bool: ...

    def chat_ended(self) -> None: ...

    def stream_failed(self, error: BaseException) -> None: ...


class Websocket:
    """One client websocket: sans-I/O protocol object, blocking (greenlet) socket."""

    def __init__(self, url: str, timeout: float) -> None:
        from websockets.client import ClientProtocol
        from websockets.http11 import Response
        from websockets.uri import parse_uri

        uri = parse_uri(url)
        try:
            raw = socket.create_connection((uri.host, uri.port), timeout)
        except OSError as error:
            raise ChatConnectionError(
                f"could not open the chat websocket: {type(error).__name__}"
            ) from None
        self._sock: socket.socket = (
            ssl.create_default_context().wrap_socket(raw, server_hostname=uri.host)
            if uri.secure
            else raw
        )
        self._protocol = ClientProtocol(uri, max_size=MAX_SIZE)
        self._protocol.send_request(self._protocol.connect())
        self._pending: list[Any] = []
        self._assembler = MessageAssembler()
        self._closed_by_peer = False
        try:
            self._flush()
            while not self._pending:
                self._feed()
        except OSError as error:
            self.close()
            raise ChatConnectionError(
                f"chat websocket handshake failed: {type(error).__name__}"
            ) from None
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
        texts: list[str] = []
        while not texts:
            if self._closed_by_peer:
                raise ConnectionError("socket closed by the peer")
            if not self._pending:
                self._feed()
            frames, self._pending = self._pending, []
            try:
                self._closed_by_peer = self._assembler.feed(frames, texts)
            except UnicodeDecodeError:
                raise ConnectionError("invalid UTF-8 in a text message") from None
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


class _Handle:
    """The gevent side of one engine :class:`Link`: its socket, signals and greenlets."""

    def __init__(self, websocket: Websocket) -> None:
        gevent = gevent_module()
        self.websocket = websocket
        self.lost = gevent.event.Event()
        self.subscribed = gevent.event.Event()
        self.delivering = False  # the reader waits for room in the consumer's buffer
        self.reader: Any = None
        self.keepalive: Any = None

    @property
    def greenlets(self) -> list[Any]:
        return [g for g in (self.reader, self.keepalive) if g is not None]


def _handle(link: Link) -> _Handle:
    handle: _Handle = link.handle
    return handle


class GeventStream:
    """Owns the sockets of one :class:`GeventChatSession`: :meth:`start`, later :meth:`close`."""

    def __init__(
        self,
        *,
        config: ChatConfig,
        hooks: GeventHooks,
        sequencer: Sequencer,
        clock: Callable[[], float] = time.monotonic,
        connector: Callable[[str, float], Websocket] = Websocket,
    ) -> None:
        self._config = config
        self._hooks = hooks
        self._clock = clock
        self._connector = connector
        self.engine = Connection(config=config, sequencer=sequencer)
        self._gevent = gevent_module()
        self._lock = self._gevent.lock.RLock()  # one delivery at a time, in order
        self._links: set[Link] = set()
        self._greenlets: set[Any] = set()

    def start(self, url: str) -> None:
        """Open and subscribe the first socket, then keep one in use until :meth:`close`."""
        self._run(self.engine.start(url, fill_gap=False))
        self._spawn(self._run, self.engine.supervise(self._clock))

    def close(self) -> None:
        """Stop every greenlet and close every socket (delivered events stay)."""
        if self.engine.closing:
            return
        self.engine.closing = True
        current = self._gevent.getcurrent()
        greenlets = list(self._greenlets)
        for link in self._links:
            greenlets.extend(_handle(link).greenlets)
        self._gevent.killall([g for g in greenlets if g is not current], block=True)
        for link in list(self._links):
            _handle(link).websocket.close()
        self._links.clear()
        self.engine.current = None

    # -- the engine's sequences ------------------------------------------------------

    def _spawn(self, function: Callable[..., Any], *args: Any) -> Any:
        greenlet = self._gevent.spawn(function, *args)
        self._greenlets.add(greenlet)
        greenlet.link(self._greenlets.discard)
        return greenlet

    def _run(self, steps: Steps) -> Any:
        """Perform the operations ``steps`` yields; its exceptions go back into it."""
        result: Any = None
        error: Optional[Exception] = None
        while True:
            try:
                operation = steps.send(result) if error is None else steps.throw(error)
            except StopIteration as stop:
                return stop.value
            try:
                result, error = self._perform(operation), None
            except Exception as failure:  # the engine decides (GreenletExit passes)
                result, error = None, failure

    def _perform(self, operation: Operation) -> Any:
        engine = self.engine
        if isinstance(operation, Deliver):
            with self._lock:
                self._put(operation.event)
            return None
        if isinstance(operation, Wait):
            if operation.link is None:
                self._gevent.sleep(operation.seconds)
                return False
            return bool(_handle(operation.link).lost.wait(operation.seconds))
        if isinstance(operation, Open):
            return self._open_link(operation.url)
        if isinstance(operation, Use):
            _handle(operation.link).keepalive = self._gevent.spawn(self._keepalive, operation.link)
            return None
        if isinstance(operation, CreateWebsocket):
            return self._hooks.create_websocket(refresh_credentials=operation.refresh_credentials)
        if isinstance(operation, LatestItem):
            return self._hooks.latest_item()
        if isinstance(operation, FillGap):
            delivered = 0
            for item in self._hooks.transcript_after(operation.anchor_id, operation.anchor_time):
                delivered += self._deliver_item(item, from_transcript=True)
                if engine.ended:
                    break
            return delivered
        if isinstance(operation, DrainHeld):
            held = engine.next_held()
            while held is not None:
                self._deliver_item(held, from_transcript=False)
                held = engine.next_held()
            return None
        if isinstance(operation, Retire):
            self._spawn(self._retire, operation.link, operation.after)
            return None
        if isinstance(operation, Discard):
            self._retire(operation.link, 0.0)
            return None
        if isinstance(operation, Fail):
            self._hooks.stream_failed(operation.error)
            return None
        raise TypeError(f"unknown engine operation {operation!r}")  # pragma: no cover

    # -- sockets -------------------------------------------------------------------

    def _mark_lost(self, link: Link, reason: str) -> None:
        self.engine.lose(link, reason)
        _handle(link).lost.set()

    def _open_link(self, url: str) -> Link:
        websocket = self._connector(url, self._config.open_timeout)
        link = self.engine.new_link(self._clock())
        link.handle = handle = _Handle(websocket)
        self._links.add(link)
        handle.reader = self._gevent.spawn(self._read, link)
        try:
            websocket.send(protocol.SUBSCRIBE_FRAME)
            self._gevent.wait([handle.subscribed, handle.lost], self._config.subscribe_timeout, 1)
            failure = self.engine.subscribe_failure(link)
            if failure is not None:
                raise ChatConnectionError(failure)
        except BaseException:
            self._retire(link, 0.0)
            raise
        return link

    def _retire(self, link: Link, after: float) -> None:
        """Stop using ``link`` after ``after`` seconds (make-before-break overlap), close it.
        Its reader is not killed: it may be handing an accepted item to the consumer,
        and ends by itself once the socket is closed."""
        if after > 0:
            self._gevent.sleep(after)
        self._mark_lost(link, "retired")
        handle = _handle(link)
        if handle.keepalive is not None and handle.keepalive is not self._gevent.getcurrent():
            handle.keepalive.kill(block=False)
        handle.websocket.close()
        self._links.discard(link)

    def _read(self, link: Link) -> None:
        handle = _handle(link)
        receive = self.engine.receive
        try:
            while True:
                for text in handle.websocket.receive():
                    received = receive(link, text)
                    if received.item is not None:
                        handle.delivering = True
                        try:
                            self._deliver_item(received.item, from_transcript=False)
                        finally:
                            handle.delivering = False
                    elif received.event is not None:
                        self._spawn(self._perform, Deliver(received.event))
                    elif received.subscribed is not None:
                        handle.subscribed.set()
        except Exception as error:  # closed by the peer, by us, or broken
            self._mark_lost(link, redact_text(str(error)) or type(error).__name__)

    def _keepalive(self, link: Link) -> None:
        """Drive the engine's timers of ``link`` and the release of overdue bot messages."""
        handle = _handle(link)
        timing = link.timing
        timing.restart(self._clock())
        try:
            while not handle.lost.is_set():
                wake = timing.deadline()
                release = self.engine.release_wait()
                if release is not None:
                    wake = min(wake, self._clock() + release)
                self._gevent.sleep(max(0.0, wake - self._clock()))
                if release is not None:
                    with self._lock:
                        for event in self.engine.release_overdue():
                            self._put(event)
                stalled = handle.delivering or self._hooks.backpressured()
                for action in self.engine.keepalive(link, self._clock(), stalled=stalled):
                    if action == LOST:
                        self._mark_lost(link, "missed heartbeat")
                        return
                    if action == SEND_HEARTBEAT:
                        handle.websocket.send(protocol.HEARTBEAT_FRAME)
                    elif action == SEND_PING:
                        handle.websocket.send(protocol.PING_FRAME)
                    elif action == PING_UNANSWERED:
                        self._spawn(
                            self._perform,
                            Deliver(DeepHeartbeatFailedEvent(reason="no answer to aws/ping")),
                        )
        except OSError as error:
            self._mark_lost(link, type(error).__name__)

    # -- delivery ------------------------------------------------------------------

    def _put(self, event: ChatEvent) -> None:
        self._hooks.deliver(event)
        if isinstance(event, ChatEndedEvent) and self.engine.finish():
            self._hooks.chat_ended()
            self._gevent.spawn(self.close)  # not from here: this greenlet may be one it stops

    def _deliver_item(self, item: Mapping[str, Any], *, from_transcript: bool) -> int:
        if self.engine.ended:
            return 0
        with self._lock:
            events = self.engine.accept(item, from_transcript=from_transcript)
            for event in events:
                self._put(event)
            return len(events)


__all__ = ["GeventHooks", "GeventStream", "Websocket", "gevent_module"]
