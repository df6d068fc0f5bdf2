"""Service-side events and streamed bot messages through the running emulator: the Python
control API, the HTTP control API, the websocket and GetTranscript."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator import (
    Emulator,
    EmulatorConfigError,
    EmulatorOperationError,
)

from .conftest import Chat
from .test_control_http import control
from .test_websocket import next_item, subscribed

PREFIX = "application/vnd.amazonaws.connect.event."


def transcript_forward(client: Any, chat: Chat) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get_transcript(
        ConnectionToken=chat.connection_token, MaxResults=100, SortOrder="ASCENDING"
    )["Transcript"]
    return items


def test_emitted_events_reach_the_socket_and_the_transcript(
    emulator: Emulator, chat: Chat, client: Any
) -> None:
    with subscribed(chat.websocket_url) as websocket:
        idle_id = emulator.emit_event(
            chat.contact_id, "participant.idle", participant_id=chat.participant_id
        )
        idle = next_item(websocket)
        transfer_id = emulator.emit_event(
            chat.contact_id, PREFIX + "transfer.succeeded", content='{"to": "queue"}'
        )
        transfer = next_item(websocket)
    assert (idle["Id"], idle["ContentType"], idle["ParticipantId"]) == (
        idle_id,
        PREFIX + "participant.idle",
        chat.participant_id,
    )
    assert (idle["ParticipantRole"], idle["DisplayName"]) == ("CUSTOMER", "Customer")
    assert transfer["Id"] == transfer_id and "ParticipantId" not in transfer
    assert transfer["Content"] == '{"to": "queue"}'
    kept = {item["Id"]: item for item in transcript_forward(client, chat)}
    assert kept[idle_id]["ContentType"] == PREFIX + "participant.idle"
    assert kept[transfer_id]["ContentType"] == PREFIX + "transfer.succeeded"


def test_refusals_through_the_python_api(emulator: Emulator, chat: Chat) -> None:
    with pytest.raises(EmulatorConfigError, match="unknown service event"):
        emulator.emit_event(chat.contact_id, "participant.dancing")
    with pytest.raises(EmulatorConfigError, match="participant_id"):
        emulator.emit_event(chat.contact_id, "participant.returned")
    with pytest.raises(EmulatorConfigError, match="send_event"):
        emulator.emit_event(chat.contact_id, "typing", participant_id=chat.participant_id)
    with pytest.raises(EmulatorConfigError, match="takes no participant_id"):
        emulator.emit_event(chat.contact_id, "chat.rehydrated", participant_id=chat.participant_id)
    with pytest.raises(EmulatorOperationError) as missing:
        emulator.emit_event(chat.contact_id, "participant.idle", participant_id="nobody")
    assert missing.value.code == "ResourceNotFoundException"
    with pytest.raises(EmulatorOperationError) as unknown_contact:
        emulator.stream_bot_message("no-such-contact", ["a"])
    assert unknown_contact.value.code == "ResourceNotFoundException"
    with pytest.raises(EmulatorConfigError, match="not one string"):
        emulator.stream_bot_message(chat.contact_id, "hello")
    with pytest.raises(EmulatorConfigError, match="non-empty list"):
        emulator.stream_bot_message(chat.contact_id, [])
    emulator.end_contact(chat.contact_id)
    with pytest.raises(EmulatorOperationError) as ended:
        emulator.emit_event(chat.contact_id, "transfer.failed")
    assert ended.value.code == "AccessDeniedException"


def test_streamed_chunks_on_the_socket_and_one_message_in_get_transcript(
    emulator: Emulator, chat: Chat, client: Any
) -> None:
    with subscribed(chat.websocket_url) as websocket:
        message_id = emulator.stream_bot_message(chat.contact_id, ["The ", "answer ", "is 42."])
        chunks = [next_item(websocket) for _ in range(3)]
    assert {chunk["Id"] for chunk in chunks} == {message_id}
    # Pieces first; the completed chunk carries the whole message (chatjs shows it alone).
    assert [chunk["Content"] for chunk in chunks] == ["The ", "answer ", "The answer is 42."]
    assert [chunk["MessageMetadata"] for chunk in chunks] == [
        {"ChunkNumber": 1, "MessageCompleted": False},
        {"ChunkNumber": 2, "MessageCompleted": False},
        {"ChunkNumber": 3, "MessageCompleted": True},
    ]
    assert {(chunk["ParticipantRole"], chunk["DisplayName"]) for chunk in chunks} == {
        ("SYSTEM", "BOT")
    }
    [whole] = [item for item in transcript_forward(client, chat) if item["Id"] == message_id]
    assert whole["Content"] == "The answer is 42."
    assert whole["Type"] == "MESSAGE" and "MessageMetadata" not in whole
    assert emulator.transcript(chat.contact_id)[-1]["Id"] == message_id


def test_a_custom_bot_streams_as_itself(emulator: Emulator, chat: Chat) -> None:
    bot = emulator.add_participant(chat.contact_id, role="CUSTOM_BOT", display_name="Helper")
    message_id = emulator.stream_bot_message(
        chat.contact_id, ["a", "b"], participant_id=bot["ParticipantId"]
    )
    kept = emulator.transcript(chat.contact_id)[-1]
    assert kept["Id"] == message_id
    assert (kept["ParticipantId"], kept["ParticipantRole"], kept["Content"]) == (
        bot["ParticipantId"],
        "CUSTOM_BOT",
        "ab",
    )


def test_service_events_and_bot_messages_over_http(emulator: Emulator, chat: Chat) -> None:
    contact = chat.contact_id
    status, idle = control(
        emulator,
        "POST",
        f"contacts/{contact}/service-events",
        {"event": "participant.idle", "participant_id": chat.participant_id},
    )
    assert status == 200 and idle["Id"]
    status, rehydrated = control(
        emulator, "POST", f"contacts/{contact}/service-events", {"event": "chat.rehydrated"}
    )
    assert status == 200
    status, streamed = control(
        emulator,
        "POST",
        f"contacts/{contact}/bot-messages",
        {"chunks": ["over ", "http"], "display_name": "Lex"},
    )
    assert status == 200
    status, items = control(emulator, "GET", f"contacts/{contact}/transcript")
    assert [item["Id"] for item in items[-3:]] == [idle["Id"], rehydrated["Id"], streamed["Id"]]
    assert (items[-1]["Content"], items[-1]["DisplayName"]) == ("over http", "Lex")


@pytest.mark.parametrize(
    ("route", "body", "status", "needle"),
    [
        ("service-events", {"event": "participant.nope"}, 400, "unknown service event"),
        ("service-events", {"event": "participant.idle"}, 400, "participant_id"),
        ("service-events", {"event": "message.read"}, 400, "send_event"),
        ("service-events", {}, 400, "event must be a string"),
        ("bot-messages", {"chunks": "text"}, 400, "chunks must be a list"),
        ("bot-messages", {"chunks": []}, 400, "non-empty list"),
        ("bot-messages", {"chunks": ["a", 1]}, 400, "non-empty string"),
        ("bot-messages", {"chunks": ["x" * 16385]}, 400, "at most 16384"),
    ],
)
def test_bad_requests_over_http(
    emulator: Emulator, chat: Chat, route: str, body: Any, status: int, needle: str
) -> None:
    got, error = control(emulator, "POST", f"contacts/{chat.contact_id}/{route}", body)
    assert got == status and needle in error["message"], json.dumps(error)


def test_an_ended_contact_over_http_is_access_denied(emulator: Emulator, chat: Chat) -> None:
    emulator.end_contact(chat.contact_id)
    status, error = control(
        emulator, "POST", f"contacts/{chat.contact_id}/bot-messages", {"chunks": ["late"]}
    )
    assert status == 403 and error["error"] == "AccessDeniedException"
