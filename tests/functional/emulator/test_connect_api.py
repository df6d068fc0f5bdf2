"""The Connect admin operations through a stock ``boto3.client("connect")``."""

from __future__ import annotations

import datetime
from typing import Any

import botocore
import botocore.session
import pytest
import urllib3

from boto3_connectparticipant_ext.emulator import Emulator

from .conftest import connect_client, status_of


@pytest.fixture
def connect(emulator: Emulator) -> Any:
    return connect_client(emulator)


def _needs_stock_operation(name: str) -> pytest.MarkDecorator:
    """Skip where the installed botocore's own connect model lacks ``name``."""
    model = botocore.session.get_session().get_service_model("connect")
    return pytest.mark.skipif(
        name not in model.operation_names,
        reason=f"botocore {botocore.__version__} has no connect {name}",
    )


def start(emulator: Emulator, connect: Any, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = connect.start_chat_contact(
        InstanceId=emulator.instance_id,
        ContactFlowId=emulator.contact_flow_id,
        ParticipantDetails={"DisplayName": "Customer"},
        **extra,
    )
    return answer


def test_start_chat_contact(emulator: Emulator, connect: Any, client: Any) -> None:
    answer = start(
        emulator, connect, InitialMessage={"ContentType": "text/plain", "Content": "first"}
    )
    assert {"ContactId", "ParticipantId", "ParticipantToken"} <= set(answer)
    items = emulator.transcript(answer["ContactId"])
    assert items[0]["ContentType"].endswith("participant.joined")
    assert (items[1]["Type"], items[1]["Content"]) == ("MESSAGE", "first")
    connection = client.create_participant_connection(
        ParticipantToken=answer["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )
    assert connection["ConnectionCredentials"]["ConnectionToken"]


def test_start_chat_contact_is_idempotent_by_client_token(emulator: Emulator, connect: Any) -> None:
    first = start(emulator, connect, ClientToken="same")
    again = start(emulator, connect, ClientToken="same")
    assert first["ContactId"] == again["ContactId"]


def test_unknown_instance_and_flow_with_strict_ids(emulator: Emulator, connect: Any) -> None:
    emulator.config.update(strict_ids=True)
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.start_chat_contact(
            InstanceId="other-instance",
            ContactFlowId=emulator.contact_flow_id,
            ParticipantDetails={"DisplayName": "C"},
        )
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.start_chat_contact(
            InstanceId=emulator.instance_id,
            ContactFlowId="other-flow",
            ParticipantDetails={"DisplayName": "C"},
        )


def test_validation_uses_connects_error_name(emulator: Emulator, connect: Any) -> None:
    with pytest.raises(connect.exceptions.InvalidParameterException) as caught:
        start(emulator, connect, ChatDurationInMinutes=20000)
    assert status_of(caught.value) == 400


def test_unsigned_request_is_refused(emulator: Emulator) -> None:
    http = urllib3.PoolManager(retries=False)
    answer = http.request("PUT", emulator.endpoint_url + "/contact/chat", body=b"{}")
    assert answer.status == 403
    assert answer.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


@_needs_stock_operation("CreateParticipant")
@pytest.mark.parametrize("role", ["AGENT", "CUSTOM_BOT"])
def test_create_participant(emulator: Emulator, connect: Any, client: Any, role: str) -> None:
    chat = start(emulator, connect)
    created = connect.create_participant(
        InstanceId=emulator.instance_id,
        ContactId=chat["ContactId"],
        ParticipantDetails={"ParticipantRole": role, "DisplayName": "Helper"},
    )
    credentials = created["ParticipantCredentials"]
    assert credentials["ParticipantToken"] and credentials["Expiry"].endswith("Z")
    joined = emulator.transcript(chat["ContactId"])[-1]
    assert joined["ParticipantRole"] == role and joined["ParticipantId"] == created["ParticipantId"]
    token = client.create_participant_connection(
        ParticipantToken=credentials["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"]
    )["ConnectionCredentials"]["ConnectionToken"]
    client.send_message(ConnectionToken=token, ContentType="text/plain", Content=f"from {role}")
    assert emulator.transcript(chat["ContactId"])[-1]["ParticipantRole"] == role


@_needs_stock_operation("CreateParticipant")
def test_create_participant_refusals(emulator: Emulator, connect: Any) -> None:
    chat = start(emulator, connect)
    with pytest.raises(connect.exceptions.InvalidRequestException):
        connect.create_participant(
            InstanceId=emulator.instance_id,
            ContactId=chat["ContactId"],
            ParticipantDetails={"ParticipantRole": "CUSTOMER"},
        )
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.create_participant(
            InstanceId=emulator.instance_id,
            ContactId="no-such-contact",
            ParticipantDetails={"ParticipantRole": "CUSTOM_BOT"},
        )
    emulator.end_contact(chat["ContactId"])
    with pytest.raises(connect.exceptions.InvalidRequestException):
        connect.create_participant(
            InstanceId=emulator.instance_id,
            ContactId=chat["ContactId"],
            ParticipantDetails={"ParticipantRole": "CUSTOM_BOT"},
        )


def test_stop_and_describe_contact(emulator: Emulator, connect: Any) -> None:
    chat = start(emulator, connect)
    described = connect.describe_contact(
        InstanceId=emulator.instance_id, ContactId=chat["ContactId"]
    )
    contact = described["Contact"]
    assert contact["Id"] == contact["InitialContactId"] == chat["ContactId"]
    assert contact["Channel"] == "CHAT" and contact["InitiationMethod"] == "API"
    assert contact["Arn"].endswith(f"/contact/{chat['ContactId']}")
    assert isinstance(contact["InitiationTimestamp"], datetime.datetime)
    assert "DisconnectTimestamp" not in contact
    connect.stop_contact(InstanceId=emulator.instance_id, ContactId=chat["ContactId"])
    assert emulator.transcript(chat["ContactId"])[-1]["ContentType"].endswith("chat.ended")
    contact = connect.describe_contact(
        InstanceId=emulator.instance_id, ContactId=chat["ContactId"]
    )["Contact"]
    assert contact["DisconnectTimestamp"] >= contact["InitiationTimestamp"]
    with pytest.raises(connect.exceptions.ContactNotFoundException) as caught:
        connect.stop_contact(InstanceId=emulator.instance_id, ContactId=chat["ContactId"])
    assert status_of(caught.value) == 410
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.describe_contact(InstanceId=emulator.instance_id, ContactId="missing")


@_needs_stock_operation("StartOutboundChatContact")
def test_outbound_chat(emulator: Emulator, connect: Any) -> None:
    answer = connect.start_outbound_chat_contact(
        SourceEndpoint={"Type": "CONNECT_PHONENUMBER_ARN", "Address": "arn:x"},
        DestinationEndpoint={"Type": "TELEPHONE_NUMBER", "Address": "+15555550100"},
        InstanceId=emulator.instance_id,
        SegmentAttributes={"connect:Subtype": {"ValueString": "connect:SMS"}},
        ContactFlowId=emulator.contact_flow_id,
        InitialSystemMessage={"ContentType": "text/plain", "Content": "Hello from us"},
    )
    items = emulator.transcript(answer["ContactId"])
    assert items[-1]["Content"] == "Hello from us"
    assert items[-1]["ParticipantRole"] == "SYSTEM"
    described = connect.describe_contact(
        InstanceId=emulator.instance_id, ContactId=answer["ContactId"]
    )
    assert described["Contact"]["InitiationMethod"] == "OUTBOUND"


def test_contact_streaming_is_recorded(emulator: Emulator, connect: Any) -> None:
    chat = start(emulator, connect)
    arn = "arn:aws:sns:us-east-1:123456789012:chat-stream"
    streaming = connect.start_contact_streaming(
        InstanceId=emulator.instance_id,
        ContactId=chat["ContactId"],
        ChatStreamingConfiguration={"StreamingEndpointArn": arn},
    )
    connect.stop_contact_streaming(
        InstanceId=emulator.instance_id,
        ContactId=chat["ContactId"],
        StreamingId=streaming["StreamingId"],
    )
    with pytest.raises(connect.exceptions.ResourceNotFoundException):
        connect.stop_contact_streaming(
            InstanceId=emulator.instance_id,
            ContactId=chat["ContactId"],
            StreamingId=streaming["StreamingId"],
        )
    operations = [r.operation for r in emulator.requests]
    assert "StartContactStreaming" in operations and "StopContactStreaming" in operations


def test_other_connect_operations_are_refused_clearly(emulator: Emulator, connect: Any) -> None:
    with pytest.raises(connect.exceptions.InvalidRequestException) as caught:
        connect.list_queues(InstanceId=emulator.instance_id)
    assert "not supported by the emulator" in caught.value.response["Error"]["Message"]
