"""In-memory stand-ins for the websocket server and the session, for engine tests."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any, Callable, Optional

from boto3_connectparticipant_ext.chat._stream import ChatGone
from boto3_connectparticipant_ext.chat._transport import SocketClosed
from boto3_connectparticipant_ext.chat.errors import ChatConnectionError
from boto3_connectparticipant_ext.chat.events import EVENT_PREFIX, ChatEvent

_ids = itertools.count(1)


def new_item(kind: str = "MESSAGE", **fields: Any) -> dict[str, Any]:
    number = next(_ids)
    item = {
        "Id": f"item-{number:05d}",
        "Type": kind,
        "AbsoluteTime": f"2024-01-01T00:00:{number % 60:02d}.000Z",
        "ParticipantId": "agent",
        "ParticipantRole": "AGENT",
    }
    if kind == "MESSAGE":
        item.update(ContentType="text/plain", Content=f"message {number}")
    item.update(fields)
    return item


def chat_ended_item() -> dict[str, Any]:
    return new_item("EVENT", ContentType=EVENT_PREFIX + "chat.ended")


class FakeSocket:
    def __init__(self, server: FakeServer, url: str) -> None:
        self.server = server
        self.url = url
        self.inbox: asyncio.Queue[Optional[str]] = asyncio.Queue()
        self.sent: list[str] = []
        self.closed = False
        self.subscribed = False

    async def send(self, text: str) -> None:
        if self.closed:
            raise SocketClosed("closed")
        self.sent.append(text)
        self.server.on_client_frame(self, json.loads(text))

    async def receive(self) -> list[str]:
        message = await self.inbox.get()
        if message is None:
            self.inbox.put_nowait(None)
            raise SocketClosed("closed by peer")
        return [message]

    async def close(self) -> None:
        self.drop()

    def drop(self) -> None:
        if not self.closed:
            self.closed = True
            self.inbox.put_nowait(None)

    def count_sent(self, topic: str) -> int:
        """How many frames of ``topic`` the engine sent on this socket."""
        return sum(1 for text in self.sent if json.loads(text).get("topic") == topic)

    def push(self, frame: Mapping[str, Any]) -> None:
        if not self.closed:
            self.inbox.put_nowait(json.dumps(frame))

    def push_item(self, item: Mapping[str, Any]) -> None:
        self.push(
            {"topic": "aws/chat", "contentType": "application/json", "content": json.dumps(item)}
        )


class FakeServer:
    """The connector: every call opens a new FakeSocket on this server."""

    def __init__(self) -> None:
        self.sockets: list[FakeSocket] = []
        self.echo_heartbeats = True
        self.ping_status: Optional[int] = 200
        self.subscribe_ok = True
        self.transcript: list[dict[str, Any]] = []

    async def __call__(self, url: str, timeout: float) -> FakeSocket:
        socket = FakeSocket(self, url)
        self.sockets.append(socket)
        return socket

    @property
    def open_sockets(self) -> list[FakeSocket]:
        return [socket for socket in self.sockets if not socket.closed and socket.subscribed]

    def on_client_frame(self, socket: FakeSocket, frame: Mapping[str, Any]) -> None:
        topic = frame.get("topic")
        if topic == "aws/subscribe":
            socket.subscribed = self.subscribe_ok
            status = "success" if self.subscribe_ok else "failure"
            socket.push({"topic": "aws/subscribe", "content": {"status": status}})
        elif topic == "aws/heartbeat" and self.echo_heartbeats:
            socket.push({"topic": "aws/heartbeat"})
        elif topic == "aws/ping" and self.ping_status is not None:
            socket.push({"topic": "aws/ping", "statusCode": self.ping_status})

    def publish(self, item: Mapping[str, Any], *, keep: bool = True) -> None:
        """A new chat item: kept in the transcript and pushed to every subscribed socket."""
        if keep:
            self.transcript.append(dict(item))
        for socket in self.open_sockets:
            socket.push_item(item)

    def drop_all(self) -> None:
        for socket in self.sockets:
            socket.drop()


class FakeHooks:
    """The session side of the engine: records what it is given."""

    def __init__(self, server: FakeServer, *, capacity: int = 10_000) -> None:
        self.server = server
        self.events: list[ChatEvent] = []
        self.queue: asyncio.Queue[ChatEvent] = asyncio.Queue(maxsize=capacity)
        self.capacity = capacity
        self.created = 0
        self.refreshed_credentials = 0
        self.gone = False
        self.fail_creates = 0
        self.ended = False
        self.failure: Optional[BaseException] = None
        self.observed: list[str] = []
        self.transcript_calls: list[Optional[str]] = []
        self.on_deliver: Optional[Callable[[ChatEvent], None]] = None

    async def create_websocket(self, *, refresh_credentials: bool) -> str:
        self.created += 1
        if refresh_credentials:
            self.refreshed_credentials += 1
        if self.gone:
            raise ChatGone()
        if self.fail_creates:
            self.fail_creates -= 1
            raise ChatConnectionError("create failed")
        return f"wss://fake/{self.created}?AuthToken=secret"

    async def transcript_after(
        self, anchor_id: Optional[str], anchor_time: Optional[str]
    ) -> AsyncIterator[Mapping[str, Any]]:
        self.transcript_calls.append(anchor_id)
        items = list(self.server.transcript)
        if anchor_id is not None:
            ids = [item["Id"] for item in items]
            items = items[ids.index(anchor_id) + 1 :] if anchor_id in ids else items
        for item in items:
            await asyncio.sleep(0)
            yield item

    async def latest_item(self) -> Optional[Mapping[str, Any]]:
        return self.server.transcript[-1] if self.server.transcript else None

    async def deliver(self, event: ChatEvent) -> None:
        await self.queue.put(event)
        self.events.append(event)
        if self.on_deliver is not None:
            self.on_deliver(event)

    def offer(self, event: ChatEvent) -> bool:
        return False  # every event takes the waiting path (deliver) here

    def backpressured(self) -> bool:
        return self.queue.full()

    def observe(self, item: Mapping[str, Any]) -> None:
        self.observed.append(str(item.get("Id")))

    async def chat_ended(self) -> None:
        self.ended = True

    async def stream_failed(self, error: BaseException) -> None:
        self.failure = error

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]

    def message_ids(self) -> list[str]:
        return [str(getattr(event, "id", "")) for event in self.events if event.kind == "message"]


async def wait_until(condition: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Poll ``condition`` (tests only; the engine itself never polls)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)
