"""API Gateway's websocket quotas (max age, idle timeout, frame size), timed by the clock."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from boto3_connectparticipant_ext.chat import ChatSession
from boto3_connectparticipant_ext.chat.config import ChatConfig
from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Chat, open_chat
from .test_websocket import WAIT, subscribed


def _close_code(websocket: Any) -> int:
    with pytest.raises(ConnectionClosed) as caught:
        while True:
            websocket.recv(timeout=WAIT)
    assert caught.value.rcvd is not None
    return int(caught.value.rcvd.code)


def _heartbeat(websocket: Any) -> None:
    websocket.send('{"topic":"aws/heartbeat"}')
    assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}


def test_defaults_are_api_gateways_quotas(emulator: Emulator) -> None:
    config = emulator.config
    assert config.websocket_max_age == 7200
    assert config.websocket_idle_timeout == 600
    assert config.websocket_max_frame_bytes == 32 * 1024


def test_idle_socket_closes_with_going_away_after_ten_minutes(
    emulator: Emulator, chat: Chat
) -> None:
    with subscribed(chat.websocket_url) as websocket:
        emulator.advance_clock(599)
        _heartbeat(websocket)  # still open just before the timeout
        emulator.advance_clock(601)
        assert _close_code(websocket) == 1001


def test_frames_keep_a_socket_from_the_idle_timeout(emulator: Emulator, chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        for _ in range(4):  # 40 minutes, a heartbeat every 9.5 of them
            emulator.advance_clock(570)
            _heartbeat(websocket)
        assert emulator.participants(chat.contact_id)[0]["OpenSockets"] == 1


def test_max_age_closes_even_a_busy_socket(emulator: Emulator, chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        for _ in range(12):  # 12 x 590 s = 1 h 58 min, never idle
            emulator.advance_clock(590)
            _heartbeat(websocket)
        emulator.advance_clock(130)
        assert _close_code(websocket) == 1001


def test_large_client_frame_closes_with_1009(chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        websocket.send('{"topic":"aws/heartbeat","pad":"' + "x" * 32 * 1024 + '"}')
        assert _close_code(websocket) == 1009


def test_frame_at_the_limit_is_read(emulator: Emulator, chat: Chat) -> None:
    frame = '{"topic":"aws/heartbeat","pad":"'
    frame += "x" * (32 * 1024 - len(frame) - 2) + '"}'
    assert len(frame) == 32 * 1024
    with subscribed(chat.websocket_url) as websocket:
        websocket.send(frame)
        assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}


def test_limits_can_be_turned_off(emulator: Emulator, client: Any) -> None:
    emulator.config.update(
        websocket_max_age=None,
        websocket_idle_timeout=None,
        websocket_max_frame_bytes=None,
        chat_duration_minutes=None,
    )
    chat = open_chat(emulator, client)
    with subscribed(chat.websocket_url) as websocket:
        emulator.advance_clock(3 * 86400)
        websocket.send('{"topic":"aws/heartbeat","pad":"' + "x" * 64 * 1024 + '"}')
        assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}


def test_websocket_url_expires_by_the_clock(emulator: Emulator, chat: Chat) -> None:
    emulator.advance_clock(101)
    with pytest.raises(InvalidStatus) as caught:
        connect(chat.websocket_url, open_timeout=WAIT)
    assert caught.value.response.status_code == 403


def test_chat_sessions_heartbeat_keeps_its_socket(emulator: Emulator, chat: Chat) -> None:
    # A real-time idle timeout a few heartbeats long: the session's heartbeat must beat it.
    emulator.config.update(websocket_idle_timeout=1.0)
    config = ChatConfig(heartbeat_interval=0.25, ping_interval=0.25)
    with ChatSession(
        chat.participant_token, endpoint_url=emulator.endpoint_url, chat_config=config
    ) as session:
        time.sleep(2.5)  # ten heartbeats, two and a half idle timeouts
        assert session.connected
    opens = [r for r in emulator.requests if r.operation == "WebsocketConnect"]
    assert len(opens) == 1  # never closed for idleness, so never reopened
    closes = [
        f.text for f in emulator.frames if f.direction == "out" and f.text.startswith("<close")
    ]
    assert closes in ([], ["<close 1000>"])
