"""The bridge's routing of streamed items (no network: the hooks return no replies)."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat.events import AttachmentEvent, ItemEvent, MessageEvent
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
from boto3_connectparticipant_ext.service_limits import message_content_problem
from boto3_connectparticipant_ext.streaming import BridgeArgumentError, BridgeError, StreamingRecord
from boto3_connectparticipant_ext.streaming.bridge import Bridge
from boto3_connectparticipant_ext.streaming.tokens import (
    BridgedChat,
    DynamoDBTokenStore,
    InMemoryTokenStore,
)

EVENT = "application/vnd.amazonaws.connect.event."


class _Recorder(Bridge):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: list[tuple[str, str]] = []

    def on_message(
        self, chat: BridgedChat, event: MessageEvent, record: StreamingRecord
    ) -> Optional[str]:
        self.seen.append(("message", event.content))
        return None

    def on_attachment(
        self, chat: BridgedChat, event: AttachmentEvent, record: StreamingRecord
    ) -> Optional[str]:
        self.seen.append(("attachment", event.attachments[0].name or ""))
        return None

    def on_event(self, chat: BridgedChat, event: ItemEvent, record: StreamingRecord) -> None:
        self.seen.append(("event", event.kind))


def _bridge() -> _Recorder:
    store = InMemoryTokenStore()
    store.put(
        BridgedChat(
            key="+15550100",
            contact_id="contact-2",
            initial_contact_id="contact-1",
            participant_id="bridge-participant",
            session_state='{"connection_token": "secret-token-value"}',
        )
    )
    return _Recorder(
        store=store,
        instance_id="instance",
        contact_flow_id="flow",
        streaming_topic_arn="arn:aws:sns:us-east-1:123456789012:chat",
        region_name="us-east-1",
    )


def _record(visibility: str = "ALL", contact_id: str = "contact-2", **item: Any) -> dict[str, Any]:
    base = {
        "Id": "item-1",
        "Type": "MESSAGE",
        "ContentType": "text/plain",
        "Content": "hello",
        "ParticipantId": "agent-1",
        "ParticipantRole": "AGENT",
        "ContactId": contact_id,
        "InitialContactId": "contact-1",
    }
    base.update(item)
    return {
        "EventSource": "aws:sns",
        "Sns": {
            "Type": "Notification",
            "MessageId": "sns-" + str(base["Id"]),
            "Message": json.dumps(base),
            "MessageAttributes": {
                "MessageVisibility": {"Type": "String", "Value": visibility},
                "ContactId": {"Type": "String", "Value": contact_id},
            },
        },
    }


def test_routing_of_every_kind_of_record() -> None:
    bridge = _bridge()
    event = {
        "Records": [
            _record(),
            _record(Id="own", ParticipantId="bridge-participant", ParticipantRole="CUSTOMER"),
            _record(Id="other-customer", ParticipantId="x", ParticipantRole="CUSTOMER"),
            _record(visibility="AGENT", Id="agent-only", Content="whisper"),
            _record(Id="chunk", ParticipantRole="SYSTEM",
                    MessageMetadata={"ChunkNumber": 1, "MessageCompleted": False}),
            _record(Id="done", ParticipantRole="SYSTEM", Content="whole",
                    MessageMetadata={"ChunkNumber": 2, "MessageCompleted": True}),
            _record(Id="att", Type="ATTACHMENT", ContentType=None, Content=None,
                    Attachments=[{"AttachmentId": "a", "AttachmentName": "a.pdf"}]),
            _record(Id="typing", Type="EVENT", ContentType=EVENT + "typing", Content=None),
            _record(Id="stranger", contact_id="unknown-contact", InitialContactId="unknown-too"),
            _record(Id="by-initial", contact_id="", InitialContactId="contact-1"),
        ]
    }  # fmt: skip
    counts = bridge(event)
    assert counts == {
        "records": 10,
        "delivered": 5,
        "echoes": 2,
        "hidden": 1,
        "partial": 1,
        "unknown": 1,
    }
    chat = bridge.store.get("+15550100")
    assert chat is not None and chat.contact_id == "contact-2"
    bridge({"Records": [_record(Id="after-transfer", contact_id="contact-3")]})
    moved = bridge.store.get("+15550100")
    assert moved is not None and moved.contact_id == "contact-3"
    assert bridge.store.find_by_contact("contact-3") == moved
    assert bridge.seen == [
        ("message", "hello"),
        ("message", "whole"),
        ("attachment", "a.pdf"),
        ("event", "typing"),
        ("message", "hello"),
        ("message", "hello"),
    ]


def test_arguments_are_checked_and_repr_hides_the_session() -> None:
    with pytest.raises(BridgeError):
        _Recorder(store=InMemoryTokenStore(), instance_id="", contact_flow_id="f",
                  streaming_topic_arn="arn")  # fmt: skip
    with pytest.raises(BridgeError):
        _Recorder(store=InMemoryTokenStore(), instance_id="i", contact_flow_id="f",
                  streaming_topic_arn="arn", rehydration_type="ALL")  # fmt: skip
    bridge = _bridge()
    # Refused before any call: no region/endpoint/credentials would be needed to get here.
    with pytest.raises(BridgeError):
        bridge.send_text("", "hi")
    with pytest.raises(BridgeArgumentError):
        bridge.send_text("+15550199", "")
    with pytest.raises(BridgeArgumentError):
        bridge.send_text("+15550199", "x" * 20000)
    with pytest.raises(BridgeError):
        bridge.send_attachment(None, b"data", name="a.txt")  # type: ignore[arg-type]
    with pytest.raises(BridgeError):
        DynamoDBTokenStore("", client=object())
    assert bridge.store.get("+15550199") is None
    chat = bridge.store.get("+15550100")
    assert chat is not None
    assert "secret-token-value" not in repr(chat) + repr(bridge)
    bridge.store.delete("+15550100")
    assert bridge.store.find_by_contact("contact-1") is None


def test_argument_errors_are_bridge_argument_errors() -> None:
    from boto3_connectparticipant_ext.streaming import BridgeArgumentError
    from boto3_connectparticipant_ext.streaming.tokens import DynamoDBTokenStore

    with pytest.raises(BridgeArgumentError, match="instance_id") as caught:
        _Recorder(store=InMemoryTokenStore(), instance_id=5, contact_flow_id="f",
                  streaming_topic_arn="arn")  # fmt: skip
    assert isinstance(caught.value, BridgeError) and isinstance(caught.value, ValueError)
    with pytest.raises(BridgeArgumentError, match="rehydration_type"):
        _Recorder(store=InMemoryTokenStore(), instance_id="i", contact_flow_id="f",
                  streaming_topic_arn="arn", rehydration_type="ALL")  # fmt: skip
    with pytest.raises(BridgeArgumentError, match="conversation key"):
        _bridge().send_text("", "hi")
    with pytest.raises(BridgeArgumentError, match="table_name"):
        DynamoDBTokenStore("", client=object())


@pytest.mark.parametrize(
    ("key", "text", "content_type"),
    [
        ("+15550100", "é" * 8193, "text/plain"),  # 16,386 UTF-8 bytes: over the service's limit
        ("+15550199", "hi", "text/html"),  # not a type SendMessage takes
        ("+15550100", "hi", "application/vnd.amazonaws.connect.message.interactive"),
    ],
)
def test_send_text_refuses_what_send_message_would_with_the_service_rule(
    key: str, text: str, content_type: str
) -> None:
    bridge = _bridge()
    problem = message_content_problem(content_type, text)
    assert problem is not None
    # The text is the one rule's (service_limits), the class the bridge's argument error; raised
    # before the session is resumed or a chat started (no endpoint or credentials needed).
    with pytest.raises(BridgeArgumentError) as caught:
        bridge.send_text(key, text, content_type=content_type)
    assert str(caught.value) == problem
    assert isinstance(caught.value, ValueError)
    assert bridge.store.get("+15550199") is None


@pytest.mark.parametrize(
    ("text", "content_type", "match"),
    [
        (b"hi", "text/plain", "text must be a non-empty string, got bytes"),
        (None, "text/plain", "text must be a non-empty string, got NoneType"),
        ("", "text/plain", "text must be a non-empty string"),
        ("hi", ["text/plain"], "content_type must be a non-empty string, got list"),
        ("hi", "", "content_type must be a non-empty string"),
    ],
)
def test_send_text_argument_types_are_bridge_argument_errors(
    text: Any, content_type: Any, match: str
) -> None:
    with pytest.raises(BridgeArgumentError, match=match) as caught:
        _bridge().send_text("+15550100", text, content_type=content_type)
    assert isinstance(caught.value, ConnectParticipantExtError)
