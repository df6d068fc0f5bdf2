"""The chat websocket as an asyncio ``Protocol`` driving websockets' sans-I/O ``ClientProtocol``.

``_transport.open_websocket`` uses it for every URL no proxy applies to. Bytes read from the
socket go straight through the frame parser in the transport's callback, and whole text messages
wait in a deque: :meth:`ProtocolSocket.receive` hands over all of them at once, with no future
and no task switch per message. websockets' asyncio client puts an assembler with its own
futures between the socket and each ``recv()``.

Backpressure as in websockets' client: above :data:`HIGH_WATER` messages read ahead, the
transport stops reading (the peer then waits on TCP), and it reads again once the reader has
taken them. The protocol answers pings and the closing handshake by
itself; what it has to send is written after each read.

Examples
--------
::

    socket = await open_protocol_socket("wss://host/connect?AuthToken=...", 10.0)
    await socket.send('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}')
    texts = await socket.receive()
    await socket.close()
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import importlib
import ssl
from typing import Any, Optional

from ..redact import describe_error
from ._frames import MAX_SIZE, MessageAssembler

HIGH_WATER = 64
CLOSE_TIMEOUT = 2.0


class ProtocolSocket(asyncio.Protocol):
    """One client websocket (``_transport.Socket``); build it with :func:`open_protocol_socket`."""

    def __init__(self, protocol: Any, closed_error: type[Exception]) -> None:
        from websockets.protocol import State

        self._protocol = protocol
        self._states = State
        self._closed_error = closed_error  # raised by receive()/send() once closed
        self._assembler = MessageAssembler()
        self._messages: collections.deque[str] = collections.deque()
        self._transport: Any = None
        self._waiter: Optional[asyncio.Future[None]] = None
        self._lost: Optional[asyncio.Future[None]] = None
        self._handshake: Optional[asyncio.Future[bool]] = None  # True: a response came
        self._paused = False
        self._failure = ""  # why the connection failed on our side (invalid UTF-8)
        self._cut_off_scheduled = False

    # -- asyncio.Protocol ------------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        loop = asyncio.get_running_loop()
        self._transport = transport
        self._lost = loop.create_future()
        self._handshake = loop.create_future()
        request = self._protocol.connect()
        request.headers["User-Agent"] = _user_agent()  # as websockets' own client sends
        self._protocol.send_request(request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        self._protocol.receive_data(data)
        self._take_events()

    def eof_received(self) -> None:
        self._protocol.receive_eof()
        self._take_events()

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        if self._protocol.state is not self._states.CLOSED:
            # The protocol learns the socket is gone (unless eof_received told it already).
            with contextlib.suppress(Exception):
                self._protocol.receive_eof()
            self._protocol.events_received()
        if self._lost is not None and not self._lost.done():
            self._lost.set_result(None)
        if self._handshake is not None and not self._handshake.done():
            self._handshake.set_result(False)
        self._wake()

    # -- Socket ----------------------------------------------------------------------

    async def receive(self) -> list[str]:
        """The messages read so far (at least one: waits for it); binary ones decoded as UTF-8.
        :class:`SocketClosed` once closed and all read."""
        messages = self._messages
        while not messages:
            if self._lost is None or self._lost.done() or self._closing():
                raise self._closed_error(self._reason())
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        batch = list(messages)
        messages.clear()
        if self._paused:
            self._paused = False
            self._transport.resume_reading()
        return batch

    async def send(self, text: str) -> None:
        """Send one text message; :class:`SocketClosed` when the socket is not open."""
        protocol = self._protocol
        if protocol.state is not self._states.OPEN or self._transport.is_closing():
            raise self._closed_error(self._reason())
        protocol.send_text(text.encode())
        self._flush()

    async def close(self) -> None:
        """Closing handshake, then the TCP connection (aborted after :data:`CLOSE_TIMEOUT`)."""
        protocol, transport, lost = self._protocol, self._transport, self._lost
        if transport is None or lost is None:
            return
        if protocol.state is self._states.OPEN:
            protocol.send_close(1000)
            self._flush()
        try:
            await asyncio.wait_for(asyncio.shield(lost), CLOSE_TIMEOUT)
        except asyncio.TimeoutError:
            transport.abort()
        finally:
            transport.close()

    # -- inside ----------------------------------------------------------------------

    def _take_events(self) -> None:
        frames = self._protocol.events_received()
        handshake = self._handshake
        if handshake is not None and not handshake.done() and frames:
            handshake.set_result(True)  # the first event is the HTTP response
            frames = frames[1:]
        try:
            # Close frames are handled by the protocol itself (its state says so).
            self._assembler.feed(frames, self._messages)
        except UnicodeDecodeError:
            self._failure = "invalid UTF-8 in a text message"
            self._protocol.fail(1007, self._failure)
        self._flush()
        if len(self._messages) >= HIGH_WATER and not self._paused:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def _flush(self) -> None:
        transport = self._transport
        for data in self._protocol.data_to_send():
            if data:
                transport.write(data)
            elif transport.can_write_eof():
                transport.write_eof()
        if not self._cut_off_scheduled and self._protocol.close_expected():
            # The server closes TCP after the closing handshake; a silent one is cut off.
            self._cut_off_scheduled = True
            asyncio.get_running_loop().call_later(CLOSE_TIMEOUT, transport.abort)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _closing(self) -> bool:
        state = self._protocol.state
        return state is self._states.CLOSING or state is self._states.CLOSED

    def _reason(self) -> str:
        if self._failure:
            return self._failure
        closed = self._protocol.close_exc
        return describe_error(closed) if closed is not None else "socket closed"


def _user_agent() -> str:
    import websockets.http11

    agent = getattr(websockets.http11, "USER_AGENT", None)
    if agent is None:  # websockets 12 keeps it in websockets.http
        agent = importlib.import_module("websockets.http").USER_AGENT
    return str(agent)


async def open_protocol_socket(
    url: str, open_timeout: float, closed_error: type[Exception], logger: Any = None
) -> ProtocolSocket:
    """Connect and handshake within ``open_timeout``; errors as websockets' client raises them
    (``OSError``, ``asyncio.TimeoutError``, ``InvalidURI``, ``InvalidHandshake``...)."""
    from websockets.client import ClientProtocol
    from websockets.uri import parse_uri

    uri = parse_uri(url)
    protocol = ClientProtocol(uri, max_size=MAX_SIZE, logger=logger)
    loop = asyncio.get_running_loop()
    context = ssl.create_default_context() if uri.secure else None

    async def connect() -> ProtocolSocket:
        _, socket = await loop.create_connection(
            lambda: ProtocolSocket(protocol, closed_error),
            uri.host,
            uri.port,
            ssl=context,
            server_hostname=uri.host if context is not None else None,
        )
        try:
            assert socket._handshake is not None
            answered = await socket._handshake
            if protocol.handshake_exc is not None:
                raise protocol.handshake_exc
            if not answered:
                raise ConnectionError("the server closed the connection during the handshake")
            # Open, or already closing with messages sent before the close: receive() has them.
        except BaseException:
            socket._transport.abort()
            raise
        return socket

    return await asyncio.wait_for(connect(), open_timeout)


__all__ = ["HIGH_WATER", "ProtocolSocket", "open_protocol_socket"]
