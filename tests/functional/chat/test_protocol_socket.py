"""``chat/_protocol_socket.py`` (through ``_transport.open_websocket``) against small websocket
servers of our own on 127.0.0.1 (websockets' asyncio server): fragments, binary and invalid
text, pings, backpressure, both closing handshakes, refused handshakes and the proxy route."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, Callable

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Frame, Opcode

from boto3_connectparticipant_ext.chat import _transport
from boto3_connectparticipant_ext.chat._protocol_socket import HIGH_WATER, ProtocolSocket
from boto3_connectparticipant_ext.chat._transport import SocketClosed, open_websocket
from boto3_connectparticipant_ext.chat.errors import ChatConnectionError

SECRET = "AuthToken=SECRET-QUERY-VALUE"
Handler = Callable[[ServerConnection], Awaitable[None]]


@asynccontextmanager
async def server(handler: Handler, **options: Any) -> AsyncIterator[str]:
    async with serve(handler, "127.0.0.1", 0, compression=None, **options) as running:
        port = running.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/connect?{SECRET}"


def run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 20))


async def messages(websocket: Any, count: int) -> list[str]:
    """The next ``count`` messages, over as many ``receive()`` calls as it takes."""
    received: list[str] = []
    while len(received) < count:
        received += await websocket.receive()
    assert len(received) == count, received
    return received


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_messages_arrive_whole_in_order_fragments_and_binary_included() -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.send("first")
        await connection.send(["frag", "mented ", "text"])  # one message in three frames
        await connection.send("é".encode() + b"\xff")  # binary: decoded, bad bytes replaced
        await connection.send("last")
        await connection.wait_closed()

    async def scenario() -> list[str]:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            assert isinstance(websocket, ProtocolSocket)
            received = await messages(websocket, 4)
            await websocket.close()
            return received

    assert run(scenario()) == ["first", "fragmented text", "é\ufffd", "last"]


def test_sent_text_reaches_the_server_and_pings_are_answered() -> None:
    got: list[str] = []

    async def handler(connection: ServerConnection) -> None:
        got.append(str(await connection.recv()))
        pong = await connection.ping(b"are you there")
        await asyncio.wait_for(pong, 5)  # answered by the client's protocol
        await connection.send("pong seen")
        await connection.wait_closed()

    async def scenario() -> str:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            await websocket.send('{"topic":"aws/subscribe"}')
            (answer,) = await messages(websocket, 1)
            await websocket.close()
            return answer

    assert run(scenario()) == "pong seen"
    assert got == ['{"topic":"aws/subscribe"}']


def test_a_slow_reader_stops_reading_the_socket_and_loses_nothing() -> None:
    total = 3000

    async def handler(connection: ServerConnection) -> None:
        for number in range(total):
            await connection.send(f"message {number} " + "x" * 1000)
        await connection.wait_closed()

    async def scenario() -> tuple[bool, bool, bool, list[str]]:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            assert isinstance(websocket, ProtocolSocket)
            await asyncio.sleep(0.5)  # the reader reads nothing meanwhile
            # The rest waits in the kernel's buffers (or the server's): how much they hold
            # depends on the machine, so only our side is checked.
            paused = not websocket._transport.is_reading()
            bounded = len(websocket._messages) < HIGH_WATER * 3  # one read past the mark
            received = await messages(websocket, total)
            reading_again = websocket._transport.is_reading()
            await websocket.close()
            return paused, bounded, reading_again, received

    paused, bounded, reading_again, received = run(scenario())
    assert paused
    assert bounded
    assert reading_again
    assert received == [f"message {number} " + "x" * 1000 for number in range(total)]


def test_invalid_utf8_in_a_text_message_closes_the_socket_with_a_reason() -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.send("fine")
        # A text frame whose bytes are not UTF-8 (the server library would refuse to build it).
        connection.protocol.send_frame(Frame(Opcode.TEXT, b"\xc3\x28"))
        connection.send_data()
        await connection.wait_closed()

    async def scenario() -> tuple[str, str]:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            (first,) = await messages(websocket, 1)
            with pytest.raises(SocketClosed) as closed:
                await websocket.receive()
            await websocket.close()
            return first, closed.value.reason

    first, reason = run(scenario())
    assert first == "fine"
    assert "UTF-8" in reason


def test_the_server_closing_ends_recv_with_its_code_and_close_is_prompt() -> None:
    async def handler(connection: ServerConnection) -> None:
        await connection.send("bye")
        await connection.close(4000, "chat over")

    async def scenario() -> tuple[str, str, float]:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            (last,) = await messages(websocket, 1)
            with pytest.raises(SocketClosed) as closed:
                await websocket.receive()
            with pytest.raises(SocketClosed):
                await websocket.send("too late")
            started = asyncio.get_running_loop().time()
            await websocket.close()
            return last, closed.value.reason, asyncio.get_running_loop().time() - started

    last, reason, closing = run(scenario())
    assert last == "bye"
    assert "4000" in reason
    assert closing < 1


def test_our_close_completes_the_handshake() -> None:
    codes: list[int | None] = []

    async def handler(connection: ServerConnection) -> None:
        await connection.wait_closed()
        codes.append(connection.close_code)

    async def scenario() -> None:
        async with server(handler) as url:
            websocket = await open_websocket(url, 5)
            await websocket.close()
            await asyncio.sleep(0.1)

    run(scenario())
    assert codes == [1000]


def test_a_refused_handshake_is_a_typed_error_with_the_status_and_no_secret() -> None:
    async def refuse(connection: ServerConnection, request: Any) -> Any:
        return connection.respond(403, "Forbidden\n")

    async def handler(connection: ServerConnection) -> None:  # never reached
        await connection.wait_closed()

    async def scenario() -> str:
        async with server(handler, process_request=refuse) as url:
            with pytest.raises(ChatConnectionError) as error:
                await open_websocket(url, 5)
            return str(error.value)

    message = run(scenario())
    assert "HTTP 403" in message
    assert "SECRET" not in message


def test_a_server_that_never_answers_times_out_and_a_closed_port_is_refused() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    async def scenario() -> tuple[str, str]:
        with pytest.raises(ChatConnectionError) as silent:
            await open_websocket(f"ws://127.0.0.1:{port}/?{SECRET}", 0.5)
        listener.close()
        with pytest.raises(ChatConnectionError) as refused:
            await open_websocket(f"ws://127.0.0.1:{port}/?{SECRET}", 0.5)
        return str(silent.value), str(refused.value)

    silent, refused = run(scenario())
    assert "TimeoutError" in silent and "SECRET" not in silent
    assert "ConnectionRefusedError" in refused and "SECRET" not in refused


def test_a_url_with_a_proxy_goes_through_websockets_own_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    assert _transport._proxy_for("wss://abc.example.com/connect?x=1") == "http://proxy.invalid:3128"
    assert _transport._proxy_for("ws://abc.example.com/connect") is None  # HTTPS_PROXY only
    monkeypatch.setenv("NO_PROXY", "example.com")
    assert _transport._proxy_for("wss://abc.example.com/connect") is None

    opened: list[str] = []

    async def client_route(connect: Any, closed_error: Any, url: str, timeout: float) -> Any:
        opened.append(url)
        raise OSError("no proxy here")

    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setattr(_transport, "_open_with_client", client_route)
    with pytest.raises(ChatConnectionError):
        run(open_websocket(f"wss://abc.example.com/connect?{SECRET}", 1))
    assert opened == [f"wss://abc.example.com/connect?{SECRET}"]
