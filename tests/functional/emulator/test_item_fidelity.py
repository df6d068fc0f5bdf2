"""Items as the service sends them (issue 10), through stock boto3 clients and real websockets:
the scan result push, the retired connection acknowledgement, an unknown StartPosition Id,
SendMessage's MessageProcessingStatus, participant.active and participant.inactive."""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import Chat, upload_and_complete
from .test_control_http import control
from .test_websocket import next_item, subscribed

PREFIX = "application/vnd.amazonaws.connect.event."


def chat_messages(emulator: Emulator, chat: Chat, content: str) -> list[dict[str, Any]]:
    return [item for item in emulator.transcript(chat.contact_id) if item.get("Content") == content]


def test_the_scan_result_arrives_on_the_socket(emulator: Emulator, client: Any, chat: Chat) -> None:
    emulator.config.update(
        scan_delay=0.2,
        scan_rule=lambda name, size: "REJECTED" if name.startswith("bad") else "APPROVED",
    )
    with subscribed(chat.websocket_url) as websocket:
        good = upload_and_complete(client, chat, b"good", name="good.txt")
        bad = upload_and_complete(client, chat, b"evil", name="bad.txt")
        items = [next_item(websocket) for _ in range(4)]
    assert all(item["Type"] == "ATTACHMENT" for item in items)
    seen = [
        (item["Attachments"][0]["AttachmentId"], item["Attachments"][0]["Status"]) for item in items
    ]
    assert seen[:2] == [(good, "IN_PROGRESS"), (bad, "IN_PROGRESS")]
    assert sorted(seen[2:]) == sorted([(good, "APPROVED"), (bad, "REJECTED")])
    first = {item["Attachments"][0]["AttachmentId"]: item for item in items[:2]}
    for result in items[2:]:
        started = first[result["Attachments"][0]["AttachmentId"]]
        # The same item, now with its verdict: chatjs renders it from Attachments[0].Status.
        assert result["Id"] == started["Id"]
        assert result["ParticipantId"] == chat.participant_id
        assert result["ContactId"] == result["InitialContactId"] == chat.contact_id
        assert (
            result["Attachments"][0]["AttachmentName"]
            == started["Attachments"][0]["AttachmentName"]
        )
    kept = [
        item
        for item in client.get_transcript(ConnectionToken=chat.connection_token)["Transcript"]
        if item["Type"] == "ATTACHMENT"
    ]
    assert sorted((item["Attachments"][0]["Status"]) for item in kept) == ["APPROVED", "REJECTED"]


def test_connection_acknowledged_is_refused_as_retired(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    with pytest.raises(client.exceptions.ValidationException) as refused:
        client.send_event(
            ConnectionToken=chat.connection_token,
            ContentType=PREFIX + "connection.acknowledged",
        )
    assert "ConnectParticipant" in refused.value.response["Error"]["Message"]
    emulator.config.update(accept_connection_acknowledged=True)
    answer = client.send_event(
        ConnectionToken=chat.connection_token, ContentType=PREFIX + "connection.acknowledged"
    )
    assert answer["Id"]


@pytest.mark.parametrize("direction", ["FORWARD", "BACKWARD"])
def test_an_unknown_start_position_id_is_an_empty_page(
    emulator: Emulator, client: Any, chat: Chat, direction: str
) -> None:
    emulator.send_message(chat.contact_id, chat.participant_id, "hello")
    page = client.get_transcript(
        ConnectionToken=chat.connection_token,
        StartPosition={"Id": "no-such-item"},
        ScanDirection=direction,
    )
    assert page["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert page["Transcript"] == [] and "NextToken" not in page
    assert page["InitialContactId"] == chat.contact_id
    emulator.config.update(unknown_start_id_is_error=True)
    with pytest.raises(client.exceptions.ValidationException):
        client.get_transcript(
            ConnectionToken=chat.connection_token, StartPosition={"Id": "no-such-item"}
        )


def test_send_message_reports_processing_only_with_a_message_processor(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    plain = client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="plain"
    )
    assert "MessageMetadata" not in plain
    emulator.config.update(message_processing_status="PROCESSING")
    first = client.send_message(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        Content="processed",
        ClientToken="same-token",
    )
    assert first["MessageMetadata"] == {"MessageProcessingStatus": "PROCESSING"}
    again = client.send_message(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        Content="processed",
        ClientToken="same-token",
    )
    assert (again["Id"], again["MessageMetadata"]) == (first["Id"], first["MessageMetadata"])
    kept = emulator.transcript(chat.contact_id)[-1]
    assert kept["Id"] == first["Id"] and kept["Content"] == "processed"
    assert len(chat_messages(emulator, chat, "processed")) == 1


@pytest.mark.parametrize("name", ["participant.active", "participant.inactive"])
def test_participant_active_and_inactive_reach_the_socket_and_the_transcript(
    emulator: Emulator, client: Any, chat: Chat, name: str
) -> None:
    agent = emulator.add_participant(chat.contact_id, role="AGENT", display_name="Ann")
    with subscribed(chat.websocket_url) as websocket:
        event_id = emulator.emit_event(chat.contact_id, name, participant_id=agent["ParticipantId"])
        pushed = next_item(websocket)
    assert (pushed["Id"], pushed["Type"], pushed["ContentType"]) == (
        event_id,
        "EVENT",
        PREFIX + name,
    )
    assert (pushed["ParticipantId"], pushed["ParticipantRole"], pushed["DisplayName"]) == (
        agent["ParticipantId"],
        "AGENT",
        "Ann",
    )
    kept = client.get_transcript(ConnectionToken=chat.connection_token, MaxResults=1)
    assert [item["Id"] for item in kept["Transcript"]] == [event_id]


def test_the_switches_over_the_http_control_api(emulator: Emulator) -> None:
    status, config = control(emulator, "GET", "config")
    assert status == 200
    assert (config["accept_connection_acknowledged"], config["unknown_start_id_is_error"]) == (
        False,
        False,
    )
    assert config["message_processing_status"] is None
    status, config = control(emulator, "PATCH", "config", {"message_processing_status": "REJECTED"})
    assert status == 200 and emulator.config.message_processing_status == "REJECTED"
    status, _ = control(emulator, "PATCH", "config", {"message_processing_status": "DONE"})
    assert status == 400 and emulator.config.message_processing_status == "REJECTED"
