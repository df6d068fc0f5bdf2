"""The participant operations through a stock boto3 client over real HTTP."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorOperationError, Fault
from boto3_connectparticipant_ext.emulator._ids import parse_iso_timestamp

from .conftest import Chat, error_code, open_chat, participant_client, status_of

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DELIVERED = "application/vnd.amazonaws.connect.event.message.delivered"
READ = "application/vnd.amazonaws.connect.event.message.read"
TYPING = "application/vnd.amazonaws.connect.event.typing"


def test_create_participant_connection_returns_every_requested_kind(
    emulator: Emulator, client: Any
) -> None:
    started = emulator.start_chat(display_name="Customer")
    before = time.time()
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"],
        Type=["WEBSOCKET", "CONNECTION_CREDENTIALS", "WEBRTC_CONNECTION"],
    )
    websocket = answer["Websocket"]
    credentials = answer["ConnectionCredentials"]
    assert websocket["Url"].startswith(emulator.endpoint_url.replace("http://", "ws://"))
    assert "?AuthToken=" in websocket["Url"]
    assert ISO_MS_Z.match(websocket["ConnectionExpiry"])
    assert ISO_MS_Z.match(credentials["Expiry"])
    websocket_life = parse_iso_timestamp(websocket["ConnectionExpiry"]) - before
    token_life = parse_iso_timestamp(credentials["Expiry"]) - before
    assert 99 <= websocket_life <= 101 + 5
    assert 86399 <= token_life <= 86400 + 5
    meeting = answer["WebRTCConnection"]["Meeting"]
    assert UUID.match(meeting["MeetingId"])
    assert answer["WebRTCConnection"]["Attendee"]["JoinToken"]


def test_lifetimes_follow_the_config(emulator: Emulator, client: Any) -> None:
    emulator.config.update(connection_token_ttl=120, websocket_connection_expiry=7)
    started = emulator.start_chat()
    before = time.time()
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"]
    )
    assert 119 <= parse_iso_timestamp(answer["ConnectionCredentials"]["Expiry"]) - before <= 125
    assert 6 <= parse_iso_timestamp(answer["Websocket"]["ConnectionExpiry"]) - before <= 12


def test_connect_participant_flag_marks_the_participant_connected(
    emulator: Emulator, client: Any
) -> None:
    started = emulator.start_chat()
    [customer] = emulator.participants(started["ContactId"])
    assert customer["Connected"] is False
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], ConnectParticipant=True
    )
    assert "Websocket" not in answer and "ConnectionCredentials" not in answer
    [customer] = emulator.participants(started["ContactId"])
    assert customer["Connected"] is True


@pytest.mark.parametrize("kind", ["participant", "connection"])
def test_each_operation_takes_only_its_own_token_kind(
    emulator: Emulator, client: Any, chat: Chat, kind: str
) -> None:
    if kind == "participant":
        with pytest.raises(client.exceptions.AccessDeniedException):
            client.send_message(
                ConnectionToken=chat.participant_token, ContentType="text/plain", Content="x"
            )
        with pytest.raises(client.exceptions.AccessDeniedException):
            client.get_transcript(ConnectionToken=chat.participant_token)
    else:
        with pytest.raises(client.exceptions.AccessDeniedException) as caught:
            client.create_participant_connection(
                ParticipantToken=chat.connection_token, Type=["CONNECTION_CREDENTIALS"]
            )
        assert status_of(caught.value) == 403
        assert caught.value.response["Error"]["Message"]


def test_unknown_token_is_access_denied(client: Any) -> None:
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_message(ConnectionToken="not-a-token", ContentType="text/plain", Content="x")
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.create_participant_connection(ParticipantToken="nope", Type=["WEBSOCKET"])


def test_signed_client_works_and_the_bearer_reaches_the_wire(
    emulator: Emulator, chat: Chat
) -> None:
    signed = participant_client(emulator, signed=True)
    answer = signed.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="signed"
    )
    assert UUID.match(answer["Id"])
    [request] = [r for r in emulator.requests if r.operation == "SendMessage"]
    assert request.headers["X-Amz-Bearer"] == chat.connection_token
    assert request.headers["Authorization"].startswith("AWS4-HMAC-SHA256")
    assert chat.connection_token not in repr(request)


def test_unsigned_client_sends_no_authorization(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="x"
    )
    [request] = [r for r in emulator.requests if r.operation == "SendMessage"]
    assert "Authorization" not in request.headers
    assert request.status == 200 and request.body_size > 0


def test_expired_connection_token_is_access_denied(emulator: Emulator, client: Any) -> None:
    emulator.config.update(connection_token_ttl=300)
    chat = open_chat(emulator, client)
    client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="a"
    )
    emulator.advance_clock(300)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_message(
            ConnectionToken=chat.connection_token, ContentType="text/plain", Content="b"
        )
    fresh = client.create_participant_connection(
        ParticipantToken=chat.participant_token, Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    client.send_message(ConnectionToken=fresh, ContentType="text/plain", Content="c")


def test_send_message_answers_like_the_service(emulator: Emulator, client: Any, chat: Chat) -> None:
    answer = client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/markdown", Content="**hi**"
    )
    assert UUID.match(answer["Id"]) and ISO_MS_Z.match(answer["AbsoluteTime"])
    last = emulator.transcript(chat.contact_id)[-1]
    assert last["Id"] == answer["Id"]
    assert last["Type"] == "MESSAGE"
    assert last["ParticipantRole"] == "CUSTOMER"
    assert last["ParticipantId"] == chat.participant_id
    assert last["Content"] == "**hi**"


def test_send_message_retry_with_same_client_token_is_not_duplicated(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    first = client.send_message(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        Content="once",
        ClientToken="token-1",
    )
    again = client.send_message(
        ConnectionToken=chat.connection_token,
        ContentType="text/plain",
        Content="once",
        ClientToken="token-1",
    )
    assert first["Id"] == again["Id"]
    contents = [item.get("Content") for item in emulator.transcript(chat.contact_id)]
    assert contents.count("once") == 1


@pytest.mark.parametrize(
    ("content_type", "content", "fragment"),
    [
        ("text/html", "<b>x</b>", "Unsupported content type"),
        ("text/plain", "\u00e9" * 8193, "1 to 16384 bytes"),
        ("application/json", "\u20ac" * 5462, "1 to 16384 bytes"),
        ("application/vnd.amazonaws.connect.message.interactive", "{}", "Unsupported content type"),
    ],
)
def test_send_message_rejects_bad_content(
    client: Any, chat: Chat, content_type: str, content: str, fragment: str
) -> None:
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.send_message(
            ConnectionToken=chat.connection_token, ContentType=content_type, Content=content
        )
    assert fragment in caught.value.response["Error"]["Message"]
    assert status_of(caught.value) == 400


def test_typing_is_pushed_but_not_kept(emulator: Emulator, client: Any, chat: Chat) -> None:
    answer = client.send_event(ConnectionToken=chat.connection_token, ContentType=TYPING)
    assert UUID.match(answer["Id"])
    assert all(item["ContentType"] != TYPING for item in emulator.transcript(chat.contact_id))


def test_receipts_become_message_metadata(emulator: Emulator, client: Any, chat: Chat) -> None:
    agent = emulator.add_participant(chat.contact_id, role="AGENT", display_name="Agent")
    message_id = emulator.send_message(chat.contact_id, agent["ParticipantId"], "hello")
    content = json.dumps({"messageId": message_id})
    client.send_event(ConnectionToken=chat.connection_token, ContentType=DELIVERED, Content=content)
    client.send_event(ConnectionToken=chat.connection_token, ContentType=READ, Content=content)
    page = client.get_transcript(ConnectionToken=chat.connection_token, MaxResults=1)
    [message] = page["Transcript"]
    assert message["Id"] == message_id
    [receipt] = message["MessageMetadata"]["Receipts"]
    assert receipt["RecipientParticipantId"] == chat.participant_id
    assert ISO_MS_Z.match(receipt["DeliveredTimestamp"])
    assert ISO_MS_Z.match(receipt["ReadTimestamp"])
    assert message["MessageMetadata"]["MessageId"] == message_id


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        (READ, "not json"),
        (READ, json.dumps({"messageId": "no-such-message"})),
        ("application/vnd.amazonaws.connect.event.participant.joined", None),
        ("text/plain", "x"),
    ],
)
def test_send_event_rejects_bad_events(
    client: Any, chat: Chat, content_type: str, content: Any
) -> None:
    arguments = {"ConnectionToken": chat.connection_token, "ContentType": content_type}
    if content is not None:
        arguments["Content"] = content
    with pytest.raises(client.exceptions.ValidationException):
        client.send_event(**arguments)


def test_receipts_with_more_than_two_participants_conflict(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    agent = emulator.add_participant(chat.contact_id, role="AGENT")
    emulator.add_participant(chat.contact_id, role="SUPERVISOR")
    message_id = emulator.send_message(chat.contact_id, agent["ParticipantId"], "hi")
    with pytest.raises(client.exceptions.ConflictException) as caught:
        client.send_event(
            ConnectionToken=chat.connection_token,
            ContentType=READ,
            Content=json.dumps({"messageId": message_id}),
        )
    assert status_of(caught.value) == 409


def test_customer_disconnect_ends_the_chat_and_keeps_the_transcript(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    client.disconnect_participant(ConnectionToken=chat.connection_token)
    kinds = [
        item["ContentType"].rsplit(".", 2)[-2:] for item in emulator.transcript(chat.contact_id)
    ]
    assert kinds[-2:] == [["participant", "left"], ["chat", "ended"]]
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_message(
            ConnectionToken=chat.connection_token, ContentType="text/plain", Content="late"
        )
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_event(ConnectionToken=chat.connection_token, ContentType=TYPING)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.create_participant_connection(
            ParticipantToken=chat.participant_token, Type=["CONNECTION_CREDENTIALS"]
        )
    # The service stops the ConnectionToken at the end; the switch keeps it for reads.
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=chat.connection_token)
    emulator.config.update(tokens_work_after_chat_end=True)
    page = client.get_transcript(ConnectionToken=chat.connection_token)
    assert page["Transcript"][0]["ContentType"].endswith("chat.ended")


def test_agent_disconnect_leaves_the_chat_running(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    agent = emulator.add_participant(chat.contact_id, role="AGENT")
    agent_chat = client.create_participant_connection(
        ParticipantToken=agent["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    client.disconnect_participant(ConnectionToken=agent_chat)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_message(ConnectionToken=agent_chat, ContentType="text/plain", Content="x")
    client.send_message(
        ConnectionToken=chat.connection_token, ContentType="text/plain", Content="ok"
    )


def test_disconnect_retry_with_same_client_token_succeeds(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    # The customer's exit ends the chat, which stops the token; the switch keeps it.
    emulator.config.update(tokens_work_after_chat_end=True)
    client.disconnect_participant(ConnectionToken=chat.connection_token, ClientToken="bye-1")
    client.disconnect_participant(ConnectionToken=chat.connection_token, ClientToken="bye-1")
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.disconnect_participant(ConnectionToken=chat.connection_token, ClientToken="bye-2")


def test_ended_contact_refuses_writes_but_not_reads(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    emulator.end_contact(chat.contact_id)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.send_message(
            ConnectionToken=chat.connection_token, ContentType="text/plain", Content="x"
        )
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.start_attachment_upload(
            ConnectionToken=chat.connection_token,
            ContentType="text/plain",
            AttachmentSizeInBytes=1,
            AttachmentName="a.txt",
            ClientToken="c",
        )
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=chat.connection_token)
    emulator.config.update(tokens_work_after_chat_end=True)
    assert client.get_transcript(ConnectionToken=chat.connection_token)["Transcript"]
    with pytest.raises(EmulatorOperationError) as caught:
        emulator.send_message(chat.contact_id, chat.participant_id, "late")
    assert caught.value.code == "AccessDeniedException"
    assert caught.value.status == 403


def test_expire_token_fault_expires_connection_tokens_now(
    emulator: Emulator, client: Any, chat: Chat
) -> None:
    rule = emulator.inject_fault(Fault.EXPIRE_TOKEN)
    assert rule.remaining == 1
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=chat.connection_token)


def test_describe_view(emulator: Emulator, client: Any, chat: Chat) -> None:
    view = {
        "Id": "view-1",
        "Arn": "arn:aws:connect:us-east-1:123456789012:instance/x/view/view-1",
        "Name": "Form",
        "Version": 1,
        "Content": {"InputSchema": "{}", "Template": "{}", "Actions": ["Submit"]},
    }
    emulator.register_view("view-token-1", view)
    answer = client.describe_view(ConnectionToken=chat.connection_token, ViewToken="view-token-1")
    assert answer["View"] == view
    with pytest.raises(client.exceptions.ResourceNotFoundException) as caught:
        client.describe_view(ConnectionToken=chat.connection_token, ViewToken="unknown")
    assert status_of(caught.value) == 404


def test_authentication_url_and_cancel(emulator: Emulator, client: Any, chat: Chat) -> None:
    session_id = emulator.start_authentication(chat.contact_id)
    assert len(session_id) == 36
    answer = client.get_authentication_url(
        ConnectionToken=chat.connection_token,
        SessionId=session_id,
        RedirectUri="https://example.com/back",
    )
    assert answer["AuthenticationUrl"].startswith(emulator.endpoint_url)
    client.cancel_participant_authentication(
        ConnectionToken=chat.connection_token, SessionId=session_id
    )
    kinds = [item["ContentType"] for item in emulator.transcript(chat.contact_id)]
    assert kinds[-1].endswith("authentication.cancelled")
    with pytest.raises(client.exceptions.ValidationException):
        client.get_authentication_url(
            ConnectionToken=chat.connection_token, SessionId=session_id, RedirectUri="https://x"
        )
    with pytest.raises(client.exceptions.ValidationException):
        client.get_authentication_url(
            ConnectionToken=chat.connection_token, SessionId="0" * 36, RedirectUri="https://x"
        )


def test_model_constraints_are_enforced_on_the_wire(emulator: Emulator, chat: Chat) -> None:
    import urllib3

    http = urllib3.PoolManager()
    answer = http.request(
        "POST",
        f"{emulator.endpoint_url}/participant/transcript",
        body=json.dumps({"MaxResults": -1, "SortOrder": "SIDEWAYS"}),
        headers={"X-Amz-Bearer": chat.connection_token, "Content-Type": "application/json"},
    )
    assert answer.status == 400
    assert answer.headers["x-amzn-ErrorType"] == "ValidationException"
    assert "MaxResults" in json.loads(answer.data)["Message"]


def test_error_shape_is_the_services(client: Any) -> None:
    try:
        client.send_message(ConnectionToken="bad", ContentType="text/plain", Content="x")
    except ClientError as error:
        assert error_code(error) == "AccessDeniedException"
        assert error.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
            "AccessDeniedException"
        )
    else:  # pragma: no cover - the assertion is the point
        pytest.fail("AccessDenied expected")
