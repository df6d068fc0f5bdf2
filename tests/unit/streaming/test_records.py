"""Parsing message-streaming records into the chat session's typed events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat.events import (
    AttachmentEvent,
    ChatEndedEvent,
    MessageEvent,
    ParticipantJoinedEvent,
    ReadReceiptEvent,
    TypingEvent,
)
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.streaming import (
    InvalidStreamingRecordError,
    parse_streaming_event,
    parse_streaming_record,
)

EVENT = "application/vnd.amazonaws.connect.event."
TOPIC = "arn:aws:sns:us-east-1:123456789012:connect-chat"


def _item(**overrides: Any) -> dict[str, Any]:
    item = {
        "AbsoluteTime": "2024-05-01T10:00:00.123Z",
        "Content": "Hello from the agent",
        "ContentType": "text/plain",
        "Id": "0c3b5c2a-1111-4b0e-9f61-3f4ed2d1d7a1",
        "Type": "MESSAGE",
        "ParticipantId": "agent-participant-1",
        "DisplayName": "Ann",
        "ParticipantRole": "AGENT",
        "InitialContactId": "initial-contact-1",
        "ContactId": "contact-2",
    }
    item.update(overrides)
    return item


def _sns(
    item: dict[str, Any], *, visibility: str = "ALL", message_id: str = "sns-1"
) -> dict[str, Any]:
    attributes = {
        "InitialContactId": item.get("InitialContactId", "initial-contact-1"),
        "ContactId": item.get("ContactId", "contact-2"),
        "ParticipantRole": item.get("ParticipantRole") or "SYSTEM",
        "InstanceId": "instance-1",
        "AccountId": "123456789012",
        "Type": item["Type"],
        "ContentType": item["ContentType"],
        "MessageVisibility": visibility,
    }
    return {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Subject": None,
        "Message": json.dumps(item),
        "Timestamp": "2024-05-01T10:00:00.200Z",
        "SignatureVersion": "1",
        "Signature": "c2lnbmF0dXJl",
        "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem",
        "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
        "MessageAttributes": {
            name: {"Type": "String", "Value": value} for name, value in attributes.items()
        },
    }


def _lambda_event(*sns: dict[str, Any]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": TOPIC + ":sub-1",
                "Sns": entry,
            }
            for entry in sns
        ]
    }


def test_lambda_event_gives_one_typed_record_per_item_with_the_envelope() -> None:
    event = _lambda_event(
        _sns(_item()),
        _sns(_item(Type="EVENT", ContentType=EVENT + "typing", Content=None), message_id="sns-2"),
        _sns(
            _item(
                Type="ATTACHMENT",
                ContentType=None,
                Content=None,
                ParticipantRole="CUSTOMER",
                Attachments=[
                    {
                        "AttachmentId": "att-1",
                        "AttachmentName": "a.pdf",
                        "ContentType": "application/pdf",
                        "Status": "APPROVED",
                    }
                ],
            ),
            visibility="AGENT",
            message_id="sns-3",
        ),
    )
    records = parse_streaming_event(event)
    assert [type(r.event) for r in records] == [MessageEvent, TypingEvent, AttachmentEvent]
    first = records[0]
    assert isinstance(first.event, MessageEvent)
    assert first.event.content == "Hello from the agent"
    assert (first.contact_id, first.initial_contact_id) == ("contact-2", "initial-contact-1")
    assert (first.instance_id, first.account_id, first.topic_arn) == (
        "instance-1",
        "123456789012",
        TOPIC,
    )
    assert first.message_id == "sns-1" and first.participant_id == "agent-participant-1"
    assert first.raw is event["Records"][0]
    attachment = records[2].event
    assert isinstance(attachment, AttachmentEvent) and attachment.status == "APPROVED"
    assert records[2].visibility == "AGENT"


def test_http_body_as_bytes_and_the_same_classes_as_the_session() -> None:
    item = _item(
        Type="EVENT",
        ContentType=EVENT + "chat.ended",
        ParticipantRole=None,
        Content=None,
        ParticipantId=None,
    )
    body = _sns(item)
    body["SigningCertURL"] = body.pop("SigningCertUrl")
    [record] = parse_streaming_event(json.dumps(body).encode())
    assert isinstance(record.event, ChatEndedEvent)
    assert record.participant_role == "SYSTEM"


@pytest.mark.parametrize(
    ("visibility", "role", "customer", "agent"),
    [
        ("ALL", "AGENT", True, False),
        ("ALL", "CUSTOMER", False, True),
        ("CUSTOMER", "SYSTEM", True, False),
        ("AGENT", "SYSTEM", False, True),
        ("AGENT", "CUSTOMER", False, True),
    ],
)
def test_documented_forwarding_filter(
    visibility: str, role: str, customer: bool, agent: bool
) -> None:
    [record] = parse_streaming_event(_sns(_item(ParticipantRole=role), visibility=visibility))
    assert record.forward_to("CUSTOMER") is customer
    assert record.forward_to("AGENT") is agent


def test_receipts_and_joined_events() -> None:
    read = _item(
        Type="EVENT", ContentType=EVENT + "message.read", Content=json.dumps({"messageId": "m-7"})
    )
    joined = _item(Type="EVENT", ContentType=EVENT + "participant.joined", Content=None)
    records = parse_streaming_event(_lambda_event(_sns(read), _sns(joined)))
    assert isinstance(records[0].event, ReadReceiptEvent)
    assert records[0].event.message_id == "m-7"
    assert isinstance(records[1].event, ParticipantJoinedEvent)


def test_streamed_chunks_are_partial_until_the_completed_one() -> None:
    chunk = _item(
        ParticipantRole="SYSTEM",
        Content="Hel",
        MessageMetadata={"ChunkNumber": 1, "MessageCompleted": False},
    )
    done = _item(
        ParticipantRole="SYSTEM",
        Content="Hello",
        MessageMetadata={"ChunkNumber": 2, "MessageCompleted": True},
    )
    plain = _item()
    records = parse_streaming_event(_lambda_event(_sns(chunk), _sns(done), _sns(plain)))
    assert [r.is_partial for r in records] == [True, False, False]
    assert isinstance(records[1].event, MessageEvent) and records[1].event.content == "Hello"


def test_raw_message_delivery_item_and_unknown_content_are_kept() -> None:
    record = parse_streaming_record(_item(ContentType="application/x-new", Type="MESSAGE"))
    assert record.visibility is None and record.visible_to("CUSTOMER")
    assert record.contact_id == "contact-2"
    odd = parse_streaming_record(_sns(_item(Type="EVENT", ContentType=EVENT + "brand.new")))
    assert odd.event.kind == "other"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda s: s.update(Message="{not json"), "Message is not a JSON chat item"),
        (lambda s: s.update(Message=None), "Message is not a string"),
        (lambda s: s.update(Message=json.dumps({"Id": "x"})), "the chat item has no Type"),
        (lambda s: s.update(Type="SubscriptionConfirmation"), "not a Notification"),
        (lambda s: s.update(Type="Other"), "not an SNS Notification"),
        (lambda s: s.update(MessageAttributes=[1]), "MessageAttributes is not an object"),
    ],
)
def test_invalid_records_name_the_record_and_never_the_content(mutate: Any, reason: str) -> None:
    good = _sns(_item(Content="ConnectionToken=secret-value-123"), message_id="sns-good")
    bad = _sns(_item(Content="ConnectionToken=secret-value-123"), message_id="sns-bad")
    mutate(bad)
    with pytest.raises(InvalidStreamingRecordError) as caught:
        parse_streaming_event(_lambda_event(good, bad))
    error = caught.value
    assert isinstance(error, ConnectParticipantExtError)
    assert (error.index, error.message_id) == (1, "sns-bad")
    assert reason in str(error) and "record 1 (MessageId sns-bad)" in str(error)
    assert "secret-value" not in str(error)


def test_not_an_event_at_all() -> None:
    bad_inputs: list[Any] = [b"[]", "nope", {"Records": {}}, {"Records": [{"Sns": "x"}]}]
    for bad in bad_inputs:
        with pytest.raises(InvalidStreamingRecordError):
            parse_streaming_event(bad)
