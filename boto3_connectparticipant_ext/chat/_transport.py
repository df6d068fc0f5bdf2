"""Websocket transport on top of the ``websockets`` library (the ``chat`` extra).

The engine only sees :class:`Socket`: send text, receive the texts read so far, close. Tests
replace :func:`open_websocket` with an in-memory connector.

No ``permessage-deflate`` is offered (``compression=None``). Nothing in the
service's documentation says it compresses the participant websocket; chat
frames are small JSON, where inflating each frame costs more CPU than the bytes
it saves on the wire, and every compressed socket keeps a zlib context (memory
that adds up over thousands of sessions). A server that gets no offer sends
plain frames, which every websocket server must support (RFC 7692 is optional).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import urllib.parse
import urllib.request
from collections.abc import Awaitable
from typing import Any, Callable, Optional, Protocol

from ..redact import clean_record_message, describe_error, redact_text
from ._frames import MAX_SIZE
from ._protocol_socket import CLOSE_TIMEOUT, open_protocol_socket
from .errors import ChatConnectionError, MissingDependencyError

# websockets logs the request line (path and query) at DEBUG; the query of a
# participant websocket URL is a credential, so its records pass a redactor.
_WEBSOCKET_LOGGER = logging.getLogger("boto3_connectparticipant_ext.chat.websocket")


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        clean_record_message(record, redact_text)
        return True


_WEBSOCKET_LOGGER.addFilter(_RedactFilter())


class SocketClosed(Exception):
    """The socket is closed (by either side); ``reason`` is redacted text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Socket(Protocol):
    """What the engine needs from a websocket."""

    async def send(self, text: str) -> None: ...

    async def receive(self) -> list[str]:
        """The next text messages (at least one); raises :class:`SocketClosed` once closed."""
        ...

    async def close(self) -> None: ...


Connector = Callable[[str, float], Awaitable[Socket]]


def _load_connect() -> tuple[Callable[..., Any], type[BaseException]]:
    try:
        from websockets.exceptions import ConnectionClosed
    except ImportError:
        raise MissingDependencyError(
            "chat sessions need the 'websockets' library: "
            "pip install 'boto3-connectparticipant-ext[chat]'"
        ) from None
    try:
        from websockets.asyncio.client import connect
    except ImportError:  # websockets < 13: the legacy asyncio client has the same surface
        from websockets.client import connect  # type: ignore[no-redef,attr-defined,unused-ignore]
    return connect, ConnectionClosed


class _WebsocketsSocket:
    def __init__(self, connection: Any, closed_error: type[BaseException]) -> None:
        self._connection = connection
        self._closed_error = closed_error

    async def send(self, text: str) -> None:
        try:
            await self._connection.send(text)
        except self._closed_error as error:
            raise SocketClosed(describe_error(error)) from None

    async def receive(self) -> list[str]:
        try:
            message = await self._connection.recv()
        except self._closed_error as error:
            raise SocketClosed(describe_error(error)) from None
        if type(message) is str:
            return [message]
        if isinstance(message, bytes):
            return [message.decode("utf-8", errors="replace")]
        return [str(message)]

    async def close(self) -> None:
        # Closing a broken socket can fail; there is nothing left to save then.
        with contextlib.suppress(Exception):
            await self._connection.close()


async def open_websocket(url: str, open_timeout: float) -> Socket:
    """Open ``url``; errors become :class:`ChatConnectionError` without the URL in them.

    Without a proxy for the URL, the socket is :class:`._protocol_socket.ProtocolSocket` (the
    same websockets protocol, read without its asyncio client's per-message futures); with
    one, websockets' asyncio client, which knows proxies (websockets 15 and later).
    """
    connect, closed_error = _load_connect()
    try:
        if _proxy_for(url) is None:
            return await open_protocol_socket(url, open_timeout, SocketClosed, _WEBSOCKET_LOGGER)
        return await _open_with_client(connect, closed_error, url, open_timeout)
    except (OSError, asyncio.TimeoutError) as error:
        raise ChatConnectionError(
            f"could not open the chat websocket: {type(error).__name__}"
        ) from None
    except Exception as error:  # InvalidURI, InvalidHandshake...: their text holds the URL
        raise ChatConnectionError(
            f"could not open the chat websocket: {type(error).__name__}{_status_suffix(error)}"
        ) from None


def _proxy_for(url: str) -> Optional[str]:
    """The proxy the environment names for ``url`` (``HTTPS_PROXY``, ``NO_PROXY``...), if any."""
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    keys = ("wss", "https") if parts.scheme.lower() == "wss" else ("ws", "http")
    proxy = next((proxies[key] for key in keys if key in proxies), None)
    if proxy is None or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


async def _open_with_client(
    connect: Callable[..., Any], closed_error: type[BaseException], url: str, open_timeout: float
) -> Socket:
    connection = await connect(
        url,
        open_timeout=open_timeout,
        # The protocol has its own heartbeat frames; library pings would be
        # extra traffic and extra wake-ups on an idle session.
        ping_interval=None,
        close_timeout=CLOSE_TIMEOUT,
        max_size=MAX_SIZE,
        # Frames read ahead of the reader (websockets pauses the socket above
        # this, resumes below a quarter of it). The default 16 pauses and
        # resumes reading every few frames of a backlog; 64 small chat frames
        # are a few tens of KiB. Backpressure is unchanged: a stalled reader
        # still stops the socket once these are read.
        max_queue=64,
        compression=None,  # see the module docstring
        logger=_WEBSOCKET_LOGGER,
    )
    return _WebsocketsSocket(connection, closed_error)


def _status_suffix(error: BaseException) -> str:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(error, "status_code", None)
    return f" (HTTP {status})" if status else ""
