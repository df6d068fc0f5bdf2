"""The chat websocket: subscribe, heartbeat, ping, and the push of every new item.

A socket is opened on the URL CreateParticipantConnection returned
(``?AuthToken=...``) before its ConnectionExpiry; a late or unknown URL gets
HTTP 403 at the upgrade, like API Gateway. Frames follow the service:

* ``{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}`` is acknowledged
  with ``{"topic":"aws/subscribe","content":{"status":"success","topics":["aws/chat"]}}``;
  a subscribe frame with stray characters (one mobile SDK sends a ``)`` too many)
  is still understood;
* ``{"topic":"aws/heartbeat"}`` is echoed; ``{"topic":"aws/ping"}`` is answered
  ``{"topic":"aws/ping","statusCode":200,"statusContent":"OK"}``;
* any other frame gets API Gateway's ``{"message":"Forbidden","connectionId":...,"requestId":...}``;
* every new item of the contact goes to every subscribed socket of every
  participant, as ``{"content":"<item JSON>","contentType":"application/json","topic":"aws/chat"}``.

API Gateway's websocket quotas, on by default (``EmulatorConfig``), timed by the
emulator's clock (so ``advance_clock`` triggers them):

* a socket is closed with 1001 "Going away" at ``websocket_max_age`` (2 hours);
* a socket without a frame for ``websocket_idle_timeout`` (10 minutes) is closed
  with 1001 too. Frames in either direction count (inferred: API Gateway does
  not say which; counting both never closes a socket the service would keep),
  so the chat heartbeat every 10 s keeps a socket open; websocket pings do not
  count;
* a client frame over ``websocket_max_frame_bytes`` (32 KB) closes it with 1009
  "message too big".

Each socket has one queue and one writer task, so frames leave in order.

Examples
--------
>>> parse_client_frame('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}})')["topic"]
'aws/subscribe'
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, Union

from boto3_connectparticipant_ext.emulator._clock import ClockTimers, Timer
from boto3_connectparticipant_ext.emulator._faults import Fault, FaultRegistry
from boto3_connectparticipant_ext.emulator._ids import new_connection_id, new_id
from boto3_connectparticipant_ext.emulator._records import RecordedFrame, Recorder
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact, Participant

if TYPE_CHECKING:
    from aiohttp import web

WEBSOCKET_PATH = "/connect/websocket"
CHAT_TOPIC = "aws/chat"
GOING_AWAY = 1001
NORMAL = 1000


@dataclasses.dataclass(frozen=True)
class _Close:
    code: int
    message: str


_Outgoing = Union[str, _Close]


@dataclasses.dataclass(eq=False)
class SocketSession:
    participant: Participant
    connection_id: str
    websocket: Any  # aiohttp.web.WebSocketResponse
    request: Any  # aiohttp.web.Request
    queue: asyncio.Queue[_Outgoing]
    subscribed: bool = False
    writer: Optional[asyncio.Task[None]] = None
    age_timer: Optional[Timer] = None
    idle_timer: Optional[Timer] = None

    def abort(self) -> None:
        transport = self.request.transport
        if transport is not None:
            transport.abort()


def parse_client_frame(text: str) -> Optional[dict[str, Any]]:
    """Read a client frame, forgiving stray characters; ``None`` when hopeless."""
    candidates = [text, text.replace(")", "")]
    for candidate in candidates:
        try:
            decoded = json.loads(candidate)
        except ValueError:
            try:
                decoded, _ = json.JSONDecoder().raw_decode(candidate.strip())
            except ValueError:
                continue
        if isinstance(decoded, dict):
            return decoded
    if '"aws/subscribe"' in text:
        return {
            "topic": "aws/subscribe",
            "content": {"topics": re.findall(r'"(aws/[\w/-]+)"', text)},
        }
    return None


def chat_frame(item: dict[str, Any]) -> str:
    return json.dumps(
        {"content": json.dumps(item), "contentType": "application/json", "topic": CHAT_TOPIC}
    )


class WebsocketHub:
    """Every open chat socket, by contact."""

    def __init__(
        self,
        state: ChatState,
        recorder: Recorder,
        faults: FaultRegistry,
        *,
        timers: Optional[ClockTimers] = None,
    ) -> None:
        self._state = state
        self._timers = timers
        self._recorder = recorder
        self._faults = faults
        self._by_contact: dict[str, set[SocketSession]] = {}
        state.item_listeners.append(self._on_item)
        state.end_listeners.append(self._on_end)

    # -- state listeners (loop thread) ------------------------------------------

    def _on_item(self, contact: Contact, item: dict[str, Any]) -> None:
        sessions = self._by_contact.get(contact.contact_id)
        if not sessions:
            return
        text = chat_frame(item)
        for session in sessions:
            if session.subscribed:
                session.queue.put_nowait(text)

    def _on_end(self, contact: Contact, participant: Optional[Participant]) -> None:
        if participant is not None and participant.role == "CUSTOMER":
            # The contact ends next (chat.ended closes every socket); until then the customer
            # still receives what the flow sends after they left, as the service does.
            return
        for session in list(self._by_contact.get(contact.contact_id, ())):
            if participant is None or session.participant is participant:
                session.queue.put_nowait(_Close(NORMAL, "chat ended"))

    # -- control --------------------------------------------------------------------

    def sessions(self, participant_id: Optional[str] = None) -> list[SocketSession]:
        return [
            session
            for sessions in self._by_contact.values()
            for session in sessions
            if participant_id is None or session.participant.participant_id == participant_id
        ]

    def drop(self, *, participant_id: Optional[str], count: Optional[int]) -> int:
        """Abort open sockets now (no close frame); return how many."""
        victims = self.sessions(participant_id)
        if count is not None:
            victims = victims[:count]
        for session in victims:
            session.abort()
        return len(victims)

    async def close_all(self) -> None:
        for session in self.sessions():
            session.queue.put_nowait(_Close(GOING_AWAY, "server shutting down"))
        writers = [s.writer for s in self.sessions() if s.writer is not None]
        if writers:
            await asyncio.wait(writers, timeout=2)
        for session in self.sessions():
            session.abort()

    # -- the socket ------------------------------------------------------------------

    async def handle(
        self, request: web.Request, on_answer: Callable[[int], None]
    ) -> web.StreamResponse:
        """Serve one socket until it closes; ``on_answer(status)`` learns the upgrade's status."""
        from aiohttp import web

        secret = request.query.get("AuthToken", "")
        grant = self._state.by_websocket_secret(secret)
        participant = grant.participant if grant is not None else None
        if participant is None or not participant.active or not participant.contact.active:
            on_answer(403)
            return web.json_response({"message": "Forbidden"}, status=403)
        max_frame = self._state.config.websocket_max_frame_bytes
        # aiohttp closes with 1009 (message too big) above max_msg_size; 0 is no limit.
        websocket = web.WebSocketResponse(autoping=True, max_msg_size=max_frame or 0)
        if not websocket.can_prepare(request).ok:
            on_answer(426)
            return web.json_response({"message": "Expected a websocket upgrade"}, status=426)
        await websocket.prepare(request)
        on_answer(101)
        session = SocketSession(
            participant=participant,
            connection_id=new_connection_id(),
            websocket=websocket,
            request=request,
            queue=asyncio.Queue(),
        )
        contact_id = participant.contact.contact_id
        self._by_contact.setdefault(contact_id, set()).add(session)
        session.writer = asyncio.ensure_future(self._write(session))
        max_age = self._state.config.websocket_max_age
        if max_age is not None and self._timers is not None:
            session.age_timer = self._timers.after(
                max_age, lambda: session.queue.put_nowait(_Close(GOING_AWAY, "Going away"))
            )
        self._touch(session)
        if self._faults.take_pending_drop(participant.participant_id):
            session.abort()
        try:
            await self._read(session)
        finally:
            self._forget(session)
        return websocket

    def _forget(self, session: SocketSession) -> None:
        contact_id = session.participant.contact.contact_id
        sessions = self._by_contact.get(contact_id)
        if sessions is not None:
            sessions.discard(session)
            if not sessions:
                del self._by_contact[contact_id]
        for timer in (session.age_timer, session.idle_timer):
            if timer is not None:
                timer.cancel()
        if session.writer is not None and not session.writer.done():
            session.writer.cancel()

    async def _read(self, session: SocketSession) -> None:
        from aiohttp import WSMsgType

        async for message in session.websocket:
            if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                self._touch(session)
            if message.type == WSMsgType.TEXT:
                self._record("in", session, message.data)
                self._answer(session, message.data)
            elif message.type == WSMsgType.BINARY:
                self._record("in", session, "<binary frame>")
                self._send(session, self._forbidden(session))
            elif message.type == WSMsgType.ERROR:
                return

    def _touch(self, session: SocketSession) -> None:
        """A frame went by: the idle timeout starts again."""
        idle = self._state.config.websocket_idle_timeout
        if session.idle_timer is not None:
            session.idle_timer.cancel()
            session.idle_timer = None
        if idle is not None and self._timers is not None:
            session.idle_timer = self._timers.after(
                idle, lambda: session.queue.put_nowait(_Close(GOING_AWAY, "Going away"))
            )

    def _answer(self, session: SocketSession, text: str) -> None:
        frame = parse_client_frame(text)
        topic = frame.get("topic") if frame is not None else None
        participant_id = session.participant.participant_id
        if frame is None:
            self._send(session, self._forbidden(session))
        elif topic == "aws/subscribe":
            content = frame.get("content")
            topics = content.get("topics") if isinstance(content, dict) else None
            topics = [t for t in topics if isinstance(t, str)] if isinstance(topics, list) else []
            ok = CHAT_TOPIC in topics
            session.subscribed = session.subscribed or ok
            status = "success" if ok else "failure"
            self._send(
                session,
                json.dumps(
                    {"topic": "aws/subscribe", "content": {"status": status, "topics": topics}}
                ),
            )
        elif topic == "aws/heartbeat":
            if not self._faults.take_frame(Fault.SILENT_HEARTBEAT, participant_id):
                self._send(session, json.dumps({"topic": "aws/heartbeat"}))
        elif topic == "aws/ping":
            if self._faults.take_frame(Fault.PING_FAILURE, participant_id):
                reply = {
                    "topic": "aws/ping",
                    "statusCode": 500,
                    "statusContent": "Internal Server Error",
                }
            else:
                reply = {"topic": "aws/ping", "statusCode": 200, "statusContent": "OK"}
            self._send(session, json.dumps(reply))
        else:
            self._send(session, self._forbidden(session))

    def _forbidden(self, session: SocketSession) -> str:
        return json.dumps(
            {"message": "Forbidden", "connectionId": session.connection_id, "requestId": new_id()}
        )

    def _send(self, session: SocketSession, text: str) -> None:
        session.queue.put_nowait(text)

    async def _write(self, session: SocketSession) -> None:
        websocket = session.websocket
        while True:
            outgoing = await session.queue.get()
            if isinstance(outgoing, _Close):
                self._record("out", session, f"<close {outgoing.code}>")
                await websocket.close(code=outgoing.code, message=outgoing.message.encode())
                return
            self._record("out", session, outgoing)
            self._touch(session)
            try:
                await websocket.send_str(outgoing)
            except (ConnectionError, RuntimeError):
                return

    def _record(self, direction: str, session: SocketSession, text: str) -> None:
        self._recorder.frames.append(
            RecordedFrame(
                direction=direction,
                participant_id=session.participant.participant_id,
                connection_id=session.connection_id,
                text=text,
            )
        )
