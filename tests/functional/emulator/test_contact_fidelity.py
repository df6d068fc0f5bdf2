"""StartChatContact's options, contact lifetime, the clock and ended chats, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

from .conftest import connect_client, connect_takes, participant_client, status_of
from .test_websocket import next_item, subscribed

EVENT = "application/vnd.amazonaws.connect.event."
MADE_UP_INSTANCE = "12345678-aaaa-4bbb-8ccc-1234567890ab"
MADE_UP_FLOW = "87654321-dddd-4eee-8fff-ba0987654321"


@pytest.fixture
def connect(emulator: Emulator) -> Any:
    return connect_client(emulator)


def start(connect: Any, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=extra.pop("InstanceId", MADE_UP_INSTANCE),
        ContactFlowId=extra.pop("ContactFlowId", MADE_UP_FLOW),
        ParticipantDetails={"DisplayName": "Customer"},
        **extra,
    )
    return answer


def connection_token(client: Any, started: dict[str, Any], **extra: Any) -> str:
    connection = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"], **extra
    )
    return str(connection["ConnectionCredentials"]["ConnectionToken"])


def kinds(emulator: Emulator, contact_id: str) -> list[str]:
    return [str(item["ContentType"]).replace(EVENT, "") for item in emulator.transcript(contact_id)]


# -- ids ----------------------------------------------------------------------------


def test_made_up_instance_and_flow_run_a_whole_chat() -> None:
    with Emulator() as emulator:  # a fresh emulator: nothing configured
        connect = connect_client(emulator)
        client = participant_client(emulator)
        started = start(connect)
        connection = client.create_participant_connection(
            ParticipantToken=started["ParticipantToken"],
            Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        )
        token = connection["ConnectionCredentials"]["ConnectionToken"]
        with subscribed(connection["Websocket"]["Url"]) as websocket:
            sent = client.send_message(
                ConnectionToken=token, ContentType="text/plain", Content="hi"
            )
            assert next_item(websocket)["Id"] == sent["Id"]
        page = client.get_transcript(ConnectionToken=token)
        assert page["Transcript"][0]["Content"] == "hi"
        described = connect.describe_contact(
            InstanceId=MADE_UP_INSTANCE, ContactId=started["ContactId"]
        )["Contact"]
        assert f"instance/{MADE_UP_INSTANCE}/contact/" in described["Arn"]
        client.disconnect_participant(ConnectionToken=token)
        assert kinds(emulator, started["ContactId"])[-2:] == ["participant.left", "chat.ended"]


def test_strict_ids_refuse_other_ids() -> None:
    with Emulator(config=EmulatorConfig(strict_ids=True)) as emulator:
        connect = connect_client(emulator)
        with pytest.raises(connect.exceptions.ResourceNotFoundException):
            start(connect)
        with pytest.raises(connect.exceptions.ResourceNotFoundException):
            start(connect, InstanceId=emulator.instance_id)
        assert start(
            connect, InstanceId=emulator.instance_id, ContactFlowId=emulator.contact_flow_id
        )


# -- SupportedMessagingContentTypes -----------------------------------------------------


@pytest.mark.parametrize(
    "listed",
    [
        ["text/markdown"],
        ["text/plain", "text/html"],
        ["text/plain", "application/vnd.amazonaws.connect.event.typing"],
    ],
)
def test_bad_content_type_lists_are_refused(connect: Any, listed: list[str]) -> None:
    with pytest.raises(connect.exceptions.InvalidParameterException) as caught:
        start(connect, SupportedMessagingContentTypes=listed)
    assert status_of(caught.value) == 400


def test_text_plain_only_by_default(emulator: Emulator, connect: Any, client: Any) -> None:
    token = connection_token(client, start(connect))
    client.send_message(ConnectionToken=token, ContentType="text/plain", Content="ok")
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.send_message(ConnectionToken=token, ContentType="text/markdown", Content="**x**")
    assert "not supported by this contact" in caught.value.response["Error"]["Message"]


def test_listed_types_are_accepted(connect: Any, client: Any) -> None:
    started = start(
        connect,
        SupportedMessagingContentTypes=[
            "text/markdown",
            "text/plain",
            "application/vnd.amazonaws.connect.message.interactive",
        ],
    )
    token = connection_token(client, started)
    client.send_message(ConnectionToken=token, ContentType="text/markdown", Content="**x**")
    with pytest.raises(client.exceptions.ValidationException):
        client.send_message(ConnectionToken=token, ContentType="application/json", Content="{}")
    with pytest.raises(client.exceptions.ValidationException):  # flows send it, not SendMessage
        client.send_message(
            ConnectionToken=token,
            ContentType="application/vnd.amazonaws.connect.message.interactive",
            Content="{}",
        )


def test_initial_message_must_be_supported(connect: Any) -> None:
    with pytest.raises(connect.exceptions.InvalidParameterException):
        start(connect, InitialMessage={"ContentType": "text/markdown", "Content": "**x**"})


def test_control_start_chat_takes_the_list(emulator: Emulator, client: Any) -> None:
    started = emulator.start_chat(supported_content_types=["text/plain"])
    token = connection_token(client, started)
    with pytest.raises(client.exceptions.ValidationException):
        client.send_message(ConnectionToken=token, ContentType="application/json", Content="{}")


# -- lifetime and the clock --------------------------------------------------------------


def test_chat_duration_ends_the_chat_by_the_clock(
    emulator: Emulator, connect: Any, client: Any
) -> None:
    emulator.config.update(websocket_idle_timeout=None)  # an hour without a frame
    started = start(connect, ChatDurationInMinutes=60)
    connection = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=["WEBSOCKET", "CONNECTION_CREDENTIALS"]
    )
    token = connection["ConnectionCredentials"]["ConnectionToken"]
    with subscribed(connection["Websocket"]["Url"]) as websocket:
        emulator.advance_clock(59 * 60)
        client.send_message(ConnectionToken=token, ContentType="text/plain", Content="still here")
        assert next_item(websocket)["Content"] == "still here"
        emulator.advance_clock(61)
        assert next_item(websocket)["ContentType"] == EVENT + "chat.ended"
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=token)
    assert all(not p["Active"] for p in emulator.participants(started["ContactId"]))


def test_default_duration_is_25_hours(emulator: Emulator, connect: Any) -> None:
    started = start(connect)
    emulator.advance_clock(25 * 3600 - 1)
    assert kinds(emulator, started["ContactId"])[-1] == "participant.joined"
    emulator.advance_clock(1)
    assert kinds(emulator, started["ContactId"])[-1] == "chat.ended"


def test_connection_token_expires_after_a_day(
    emulator: Emulator, connect: Any, client: Any
) -> None:
    emulator.config.update(chat_duration_minutes=3 * 1440)
    started = start(connect)
    token = connection_token(client, started)
    emulator.advance_clock(86399)
    client.get_transcript(ConnectionToken=token)
    emulator.advance_clock(1)
    with pytest.raises(client.exceptions.AccessDeniedException):
        client.get_transcript(ConnectionToken=token)


def test_items_carry_the_advanced_time(emulator: Emulator, client: Any) -> None:
    started = emulator.start_chat()
    token = connection_token(client, started)
    first = client.send_message(ConnectionToken=token, ContentType="text/plain", Content="a")
    emulator.advance_clock(3600)
    later = client.send_message(ConnectionToken=token, ContentType="text/plain", Content="b")
    hours = int(later["AbsoluteTime"][11:13]) - int(first["AbsoluteTime"][11:13])
    assert hours % 24 == 1


def test_clock_over_the_http_control_api(emulator: Emulator) -> None:
    started = emulator.start_chat()
    http = urllib3.PoolManager(retries=False)
    answer = http.request(
        "POST",
        emulator.endpoint_url + "/_emulator/clock",
        body=json.dumps({"advance": 90000}),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 200 and json.loads(answer.data) == {"offset": 90000.0}
    assert kinds(emulator, started["ContactId"])[-1] == "chat.ended"
    for bad in ({"advance": -1}, {"advance": "soon"}, {}):
        refused = http.request(
            "POST", emulator.endpoint_url + "/_emulator/clock", body=json.dumps(bad)
        )
        assert refused.status == 400


def test_describe_contact_times_are_ordered(emulator: Emulator, connect: Any) -> None:
    started = start(connect)
    for _ in range(3):
        contact = connect.describe_contact(
            InstanceId=MADE_UP_INSTANCE, ContactId=started["ContactId"]
        )["Contact"]
        assert contact["LastUpdateTimestamp"] >= contact["InitiationTimestamp"]
        emulator.advance_clock(0.0004)
    emulator.advance_clock(7200)
    connect.stop_contact(InstanceId=MADE_UP_INSTANCE, ContactId=started["ContactId"])
    contact = connect.describe_contact(InstanceId=MADE_UP_INSTANCE, ContactId=started["ContactId"])[
        "Contact"
    ]
    elapsed = contact["DisconnectTimestamp"] - contact["InitiationTimestamp"]
    assert elapsed.total_seconds() >= 7200
    assert contact["LastUpdateTimestamp"] >= contact["DisconnectTimestamp"]


# -- the end of a chat -----------------------------------------------------------------


def test_every_participant_call_is_refused_after_the_end(
    emulator: Emulator, connect: Any, client: Any
) -> None:
    started = start(connect)
    token = connection_token(client, started)
    emulator.end_contact(started["ContactId"])
    calls: dict[str, Callable[[], Any]] = {
        "GetTranscript": lambda: client.get_transcript(ConnectionToken=token),
        "SendMessage": lambda: client.send_message(
            ConnectionToken=token, ContentType="text/plain", Content="x"
        ),
        "SendEvent": lambda: client.send_event(ConnectionToken=token, ContentType=EVENT + "typing"),
        "DisconnectParticipant": lambda: client.disconnect_participant(ConnectionToken=token),
        "GetAttachment": lambda: client.get_attachment(ConnectionToken=token, AttachmentId="a"),
        "DescribeView": lambda: client.describe_view(ConnectionToken=token, ViewToken="v"),
    }
    for name, call in calls.items():
        with pytest.raises(client.exceptions.AccessDeniedException) as caught:
            call()
        assert status_of(caught.value) == 403, name


@connect_takes("DisconnectOnCustomerExit")
def test_disconnect_on_customer_exit(emulator: Emulator, connect: Any, client: Any) -> None:
    for listed, agent_leaves in ((["AGENT"], True), (None, False)):
        extra = {"DisconnectOnCustomerExit": listed} if listed else {}
        started = start(connect, **extra)
        emulator.add_participant(started["ContactId"], role="AGENT", display_name="Agent")
        client.disconnect_participant(ConnectionToken=connection_token(client, started))
        roles = [
            (item["ContentType"].replace(EVENT, ""), item.get("ParticipantRole"))
            for item in emulator.transcript(started["ContactId"])
        ]
        expected = [("participant.left", "CUSTOMER")]
        expected += [("participant.left", "AGENT")] if agent_leaves else []
        assert roles[-len(expected) - 1 :] == [*expected, ("chat.ended", None)]


# -- CreateParticipantConnection types ------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "parts"),
    [
        (["WEBSOCKET"], {"Websocket"}),
        (["CONNECTION_CREDENTIALS"], {"ConnectionCredentials"}),
        (["WEBSOCKET", "CONNECTION_CREDENTIALS"], {"Websocket", "ConnectionCredentials"}),
        (["WEBRTC_CONNECTION"], {"WebRTCConnection"}),
    ],
)
def test_connection_answers_only_the_requested_parts(
    emulator: Emulator, client: Any, types: list[str], parts: set[str]
) -> None:
    started = emulator.start_chat()
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], Type=types
    )
    assert set(answer) - {"ResponseMetadata"} == parts


def test_connection_types_refusals(emulator: Emulator, client: Any) -> None:
    started = emulator.start_chat()
    answer = client.create_participant_connection(
        ParticipantToken=started["ParticipantToken"], ConnectParticipant=True
    )
    assert set(answer) == {"ResponseMetadata"}
    with pytest.raises(client.exceptions.ValidationException):
        client.create_participant_connection(ParticipantToken=started["ParticipantToken"])
