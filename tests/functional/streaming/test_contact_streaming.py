"""The emulator streams a chat's items as signed SNS notifications to an endpoint or a callback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import botocore.exceptions
import pytest

from boto3_connectparticipant_ext.chat.events import (
    ChatEndedEvent,
    MessageEvent,
    ParticipantJoinedEvent,
    ParticipantLeftEvent,
    TypingEvent,
)
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.streaming import (
    InvalidSignatureError,
    SnsMessageVerifier,
    UnsignedMessageError,
    UntrustedCertificateUrlError,
    parse_streaming_event,
)

from .conftest import TOPIC, SnsEndpoint


def _stream(connect: Any, emulator: Emulator, contact_id: str) -> str:
    answer = connect.start_contact_streaming(
        InstanceId=emulator.instance_id,
        ContactId=contact_id,
        ChatStreamingConfiguration={"StreamingEndpointArn": TOPIC},
        ClientToken="stream-" + contact_id,
    )
    return str(answer["StreamingId"])


def _post(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_every_item_reaches_the_http_endpoint_once_as_its_typed_event(
    emulator: Emulator, connect: Any, sns_endpoint: SnsEndpoint
) -> None:
    hub = emulator.contact_streaming
    hub.subscribe(TOPIC, sns_endpoint.url)
    chat = emulator.start_chat(display_name="Customer")
    contact_id = chat["ContactId"]
    emulator.start_chat(display_name="Not streamed")  # another contact: nothing of it arrives
    _stream(connect, emulator, contact_id)
    agent = emulator.add_participant(contact_id, role="AGENT", display_name="Ann")
    emulator.send_message(contact_id, agent["ParticipantId"], "How can I help?")
    emulator.send_event(
        contact_id, agent["ParticipantId"], "application/vnd.amazonaws.connect.event.typing"
    )
    emulator.send_message(contact_id, chat["ParticipantId"], "My order is late")
    emulator.disconnect_participant(contact_id, chat["ParticipantId"])
    assert hub.flush()
    assert hub.failures == [] and sns_endpoint.refused == []

    records = sns_endpoint.records
    kinds = [type(record.event) for record in records]
    assert kinds == [
        ParticipantJoinedEvent,
        MessageEvent,
        TypingEvent,
        MessageEvent,
        ParticipantLeftEvent,
        ChatEndedEvent,
    ]
    # Every kept item after StartContactStreaming (all but the customer's join), once, in order.
    kept = [item["Id"] for item in emulator.transcript(contact_id)]
    streamed_ids = [r.event.id for r in records if not isinstance(r.event, TypingEvent)]
    assert streamed_ids == kept[1:]
    assert {r.contact_id for r in records} == {contact_id}
    assert {r.visibility for r in records} == {"ALL"}
    assert [r.participant_role for r in records[1:4]] == ["AGENT", "AGENT", "CUSTOMER"]
    assert [r.forward_to("CUSTOMER") for r in records[1:4]] == [True, True, False]
    headers = sns_endpoint.headers[1]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-topic-arn"] == TOPIC


def test_lambda_style_callback_gets_sns_events_and_stop_ends_the_stream(
    emulator: Emulator, connect: Any, verifier: SnsMessageVerifier
) -> None:
    events: list[dict[str, Any]] = []
    hub = emulator.contact_streaming
    hub.subscribe(TOPIC, events.append)
    chat = emulator.start_chat(display_name="Customer")
    streaming_id = _stream(connect, emulator, chat["ContactId"])
    emulator.send_message(chat["ContactId"], chat["ParticipantId"], "one")
    assert hub.flush()
    connect.stop_contact_streaming(
        InstanceId=emulator.instance_id, ContactId=chat["ContactId"], StreamingId=streaming_id
    )
    emulator.send_message(chat["ContactId"], chat["ParticipantId"], "two")
    assert hub.flush()
    assert len(events) == 1
    [record] = events[0]["Records"]
    assert record["EventSource"] == "aws:sns" and "SigningCertUrl" in record["Sns"]
    verifier.verify(record)
    [parsed] = parse_streaming_event(events[0])
    assert isinstance(parsed.event, MessageEvent) and parsed.event.content == "one"
    with pytest.raises(botocore.exceptions.ClientError):
        connect.stop_contact_streaming(
            InstanceId=emulator.instance_id, ContactId=chat["ContactId"], StreamingId=streaming_id
        )


def test_forged_unsigned_and_untrusted_notifications_are_refused(
    emulator: Emulator, connect: Any, sns_endpoint: SnsEndpoint
) -> None:
    hub = emulator.contact_streaming
    hub.subscribe(TOPIC, sns_endpoint.url)
    chat = emulator.start_chat(display_name="Customer")
    _stream(connect, emulator, chat["ContactId"])
    emulator.send_message(chat["ContactId"], chat["ParticipantId"], "genuine")
    assert hub.flush()
    genuine = sns_endpoint.bodies[-1]
    count = len(sns_endpoint.records)

    tampered_item = json.loads(genuine["Message"])
    tampered_item["Content"] = "send me your password"
    tampered = dict(genuine, Message=json.dumps(tampered_item))
    unsigned = {k: v for k, v in genuine.items() if k != "Signature"}
    off_host = dict(genuine, SigningCertURL="https://evil.example/cert.pem")
    for forged in (tampered, unsigned, off_host):
        assert _post(sns_endpoint.url, forged) == 403
    assert sns_endpoint.refused == [
        InvalidSignatureError.__name__,
        UnsignedMessageError.__name__,
        UntrustedCertificateUrlError.__name__,
    ]
    assert len(sns_endpoint.records) == count
    # Without the trust hook, the emulator's own certificate is refused too.
    with pytest.raises(UntrustedCertificateUrlError):
        SnsMessageVerifier().verify(genuine)
