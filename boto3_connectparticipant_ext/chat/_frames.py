"""Whole messages from websockets' sans-I/O frames, for both socket drivers.

:class:`ProtocolSocket` (asyncio) and the gevent driver's ``Websocket`` receive frames from
websockets' ``ClientProtocol``; :class:`MessageAssembler` turns them into messages the same way
for both: fragments joined, text decoded as UTF-8 (invalid UTF-8 in a text message raises
``UnicodeDecodeError``: RFC 6455 says to fail the connection), binary decoded with replacement.
Pings are answered and close frames acknowledged by the protocol itself.

Examples
--------
>>> from websockets.frames import Frame, Opcode
>>> messages: list[str] = []
>>> assembler = MessageAssembler()
>>> assembler.feed([Frame(Opcode.TEXT, b"he", fin=False), Frame(Opcode.CONT, b"llo")], messages)
False
>>> messages
['hello']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

#: The largest message either driver accepts (bytes): websockets' ``max_size``.
MAX_SIZE = 2**22


class _Messages(Protocol):
    def append(self, message: str, /) -> None: ...


class MessageAssembler:
    """Joins fragmented messages across :meth:`feed` calls (one per socket)."""

    __slots__ = ("_binary", "_close", "_continuation", "_parts", "_text", "_text_parts")

    def __init__(self) -> None:
        from websockets.frames import Opcode

        self._text, self._binary = Opcode.TEXT, Opcode.BINARY
        self._continuation, self._close = Opcode.CONT, Opcode.CLOSE
        self._parts: list[bytes] = []
        self._text_parts = True

    def feed(self, frames: Iterable[Any], messages: _Messages) -> bool:
        """Append each message ``frames`` complete to ``messages``; True if one closes the
        socket (the messages before it are appended first)."""
        text, binary, continuation = self._text, self._binary, self._continuation
        closed = False
        for frame in frames:
            opcode = frame.opcode
            if opcode is text and frame.fin:
                messages.append(frame.data.decode())
            elif opcode is text or opcode is binary:
                if frame.fin:
                    messages.append(frame.data.decode("utf-8", "replace"))
                else:
                    self._parts = [frame.data]
                    self._text_parts = opcode is text
            elif opcode is continuation:
                self._parts.append(frame.data)
                if frame.fin:
                    data, self._parts = b"".join(self._parts), []
                    messages.append(
                        data.decode() if self._text_parts else data.decode("utf-8", "replace")
                    )
            elif opcode is self._close:
                closed = True
        return closed


__all__ = ["MAX_SIZE", "MessageAssembler"]
