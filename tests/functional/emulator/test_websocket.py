"""The chat websocket through a plain ``websockets`` sync client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from boto3_connectparticipant_ext.emulator import Emulator, Fault

from .conftest import Chat, connect_participant, open_chat

SUBSCRIBE = '{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}'
TYPING = "application/vnd.amazonaws.connect.event.typing"
WAIT = 5.0


@contextmanager
def subscribed(url: str, frame: str = SUBSCRIBE) -> Iterator[ClientConnection]:
    with connect(url, open_timeout=WAIT) as websocket:
        websocket.send(frame)
        ack = json.loads(websocket.recv(timeout=WAIT))
        assert ack == {
            "topic": "aws/subscribe",
            "content": {"status": "success", "topics": ["aws/chat"]},
        }
        yield websocket


def next_item(websocket: ClientConnection) -> dict[str, Any]:
    frame = json.loads(websocket.recv(timeout=WAIT))
    assert frame["topic"] == "aws/chat"
    assert frame["contentType"] == "application/json"
    assert isinstance(frame["content"], str)
    item: dict[str, Any] = json.loads(frame["content"])
    return item


def test_subscribe_heartbeat_and_ping(chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        websocket.send('{"topic":"aws/heartbeat"}')
        assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}
        websocket.send('{"topic":"aws/ping"}')
        assert json.loads(websocket.recv(timeout=WAIT)) == {
            "topic": "aws/ping",
            "statusCode": 200,
            "statusContent": "OK",
        }


def test_malformed_subscribe_with_stray_parenthesis_is_tolerated(chat: Chat) -> None:
    with subscribed(chat.websocket_url, SUBSCRIBE + ")"):
        pass
    with subscribed(
        chat.websocket_url, '{"topic":"aws/subscribe","content":{"topics":["aws/chat"])}}'
    ):
        pass


def test_subscribe_without_chat_topic_fails(chat: Chat) -> None:
    with connect(chat.websocket_url) as websocket:
        websocket.send('{"topic":"aws/subscribe","content":{"topics":["aws/other"]}}')
        ack = json.loads(websocket.recv(timeout=WAIT))
        assert ack["content"]["status"] == "failure"


@pytest.mark.parametrize("frame", ["not json at all", '{"topic":"aws/unknown"}', "[1, 2]"])
def test_unknown_frames_get_forbidden(chat: Chat, frame: str) -> None:
    with connect(chat.websocket_url) as websocket:
        websocket.send(frame)
        answer = json.loads(websocket.recv(timeout=WAIT))
        assert answer["message"] == "Forbidden"
        assert answer["connectionId"] and answer["requestId"]
        assert "topic" not in answer


def test_every_participant_gets_every_new_item(emulator: Emulator, client: Any, chat: Chat) -> None:
    agent_started = emulator.add_participant(chat.contact_id, role="AGENT", display_name="Agent")
    agent = connect_participant(emulator, client, {**agent_started, "ContactId": chat.contact_id})
    with subscribed(chat.websocket_url) as customer_ws, subscribed(agent.websocket_url) as agent_ws:
        sent = client.send_message(
            ConnectionToken=chat.connection_token, ContentType="text/plain", Content="hello"
        )
        for websocket in (customer_ws, agent_ws):
            item = next_item(websocket)
            assert item["Id"] == sent["Id"]
            assert item["Type"] == "MESSAGE" and item["Content"] == "hello"
            assert item["ParticipantRole"] == "CUSTOMER"
            assert item["ContactId"] == item["InitialContactId"] == chat.contact_id
        client.send_event(ConnectionToken=agent.connection_token, ContentType=TYPING)
        for websocket in (customer_ws, agent_ws):
            typing = next_item(websocket)
            assert typing["Type"] == "EVENT" and typing["ContentType"] == TYPING
            assert typing["ParticipantRole"] == "AGENT"
        client.send_event(
            ConnectionToken=agent.connection_token,
            ContentType="application/vnd.amazonaws.connect.event.message.read",
            Content=json.dumps({"messageId": sent["Id"]}),
        )
        receipt = next_item(customer_ws)
        assert receipt["Type"] == "MESSAGEMETADATA"
        assert receipt["MessageMetadata"]["MessageId"] == sent["Id"]
        [entry] = receipt["MessageMetadata"]["Receipts"]
        assert entry["RecipientParticipantId"] == agent.participant_id and entry["ReadTimestamp"]


def test_nothing_is_pushed_before_subscribe(emulator: Emulator, chat: Chat) -> None:
    with connect(chat.websocket_url) as websocket:
        emulator.send_message(chat.contact_id, chat.participant_id, "early")
        websocket.send('{"topic":"aws/heartbeat"}')
        assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}


def test_late_or_unknown_url_is_refused_at_upgrade(emulator: Emulator, client: Any) -> None:
    chat = open_chat(emulator, client)
    emulator.advance_clock(100)  # the URL must be opened within 100 s
    with pytest.raises(InvalidStatus) as caught:
        connect(chat.websocket_url, open_timeout=WAIT)
    assert caught.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        connect(chat.websocket_url.split("?")[0] + "?AuthToken=forged", open_timeout=WAIT)
    statuses = [r.status for r in emulator.requests if r.operation == "WebsocketConnect"]
    assert statuses == [403, 403]


def test_chat_end_pushes_chat_ended_then_closes(emulator: Emulator, chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        emulator.end_contact(chat.contact_id)
        item = next_item(websocket)
        assert item["ContentType"].endswith("chat.ended")
        with pytest.raises(ConnectionClosedOK):
            websocket.recv(timeout=WAIT)


def test_max_age_closes_with_going_away(emulator: Emulator, client: Any) -> None:
    emulator.config.update(websocket_max_age=0.3)
    chat = open_chat(emulator, client)
    with subscribed(chat.websocket_url) as websocket:
        with pytest.raises(ConnectionClosed) as caught:
            websocket.recv(timeout=WAIT)
        assert caught.value.rcvd is not None and caught.value.rcvd.code == 1001


def test_drop_websocket_aborts_without_close_frame(emulator: Emulator, chat: Chat) -> None:
    with subscribed(chat.websocket_url) as websocket:
        rule = emulator.inject_fault(Fault.DROP_WEBSOCKET, participant_id=chat.participant_id)
        assert rule.remaining == 1
        with pytest.raises(ConnectionClosed) as caught:
            websocket.recv(timeout=WAIT)
        assert caught.value.rcvd is None


def test_drop_websocket_with_no_socket_drops_the_next_one(emulator: Emulator, chat: Chat) -> None:
    emulator.inject_fault(Fault.DROP_WEBSOCKET)
    with connect(chat.websocket_url) as websocket, pytest.raises(ConnectionClosed):
        websocket.send(SUBSCRIBE)
        websocket.recv(timeout=WAIT)
    with subscribed(chat.websocket_url):
        pass


def test_silent_heartbeat_and_ping_failure(emulator: Emulator, chat: Chat) -> None:
    emulator.inject_fault(Fault.SILENT_HEARTBEAT, count=1)
    emulator.inject_fault(Fault.PING_FAILURE, count=1)
    with subscribed(chat.websocket_url) as websocket:
        websocket.send('{"topic":"aws/heartbeat"}')
        websocket.send('{"topic":"aws/ping"}')
        failed = json.loads(websocket.recv(timeout=WAIT))
        assert failed["topic"] == "aws/ping" and failed["statusCode"] != 200
        websocket.send('{"topic":"aws/heartbeat"}')
        assert json.loads(websocket.recv(timeout=WAIT)) == {"topic": "aws/heartbeat"}
        websocket.send('{"topic":"aws/ping"}')
        assert json.loads(websocket.recv(timeout=WAIT))["statusCode"] == 200
    heartbeats_out = [
        frame
        for frame in emulator.frames
        if frame.direction == "out" and frame.text == '{"topic": "aws/heartbeat"}'
    ]
    assert len(heartbeats_out) == 1


def test_frames_are_recorded_both_ways(emulator: Emulator, chat: Chat) -> None:
    with subscribed(chat.websocket_url):
        pass
    frames = emulator.frames
    assert [(frame.direction, frame.participant_id) for frame in frames[:2]] == [
        ("in", chat.participant_id),
        ("out", chat.participant_id),
    ]
    assert frames[0].text == SUBSCRIBE
    assert frames[0].connection_id == frames[1].connection_id
    opened = [r for r in emulator.requests if r.operation == "WebsocketConnect"]
    assert opened and "AuthToken" in opened[0].query_keys and opened[0].status == 101
    assert chat.websocket_url.split("AuthToken=")[1] not in repr(opened[0])


def test_disconnect_closes_only_that_participants_sockets(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    agent_started = emulator.add_participant(chat.contact_id, role="AGENT")
    agent = connect_participant(emulator, client, {**agent_started, "ContactId": chat.contact_id})
    with subscribed(chat.websocket_url) as customer_ws, subscribed(agent.websocket_url) as agent_ws:
        client.disconnect_participant(ConnectionToken=agent.connection_token)
        assert next_item(customer_ws)["ContentType"].endswith("participant.left")
        assert next_item(agent_ws)["ContentType"].endswith("participant.left")
        with pytest.raises(ConnectionClosedOK):
            agent_ws.recv(timeout=WAIT)
        emulator.send_message(chat.contact_id, chat.participant_id, "still here")
        assert next_item(customer_ws)["Content"] == "still here"
