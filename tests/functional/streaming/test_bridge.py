"""A Lambda-style bridge against the emulator: replies, echoes, continuing ended chats."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any, Optional

import boto3
import pytest

from boto3_connectparticipant_ext.chat.events import AttachmentEvent, MessageEvent
from boto3_connectparticipant_ext.chat.state import SessionState
from boto3_connectparticipant_ext.emulator import Emulator
from boto3_connectparticipant_ext.streaming import SnsMessageVerifier, StreamingRecord
from boto3_connectparticipant_ext.streaming.bridge import Bridge
from boto3_connectparticipant_ext.streaming.tokens import (
    BridgedChat,
    DynamoDBTokenStore,
    InMemoryTokenStore,
    TokenStore,
)

from .conftest import TOPIC


class RecordingBridge(Bridge):
    """Answers every agent message and keeps what it was handed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.messages: list[str] = []
        self.attachments: list[str] = []
        self.counts: list[dict[str, int]] = []
        self.lock = threading.Lock()

    def on_message(
        self, chat: BridgedChat, event: MessageEvent, record: StreamingRecord
    ) -> Optional[str]:
        with self.lock:
            self.messages.append(event.content)
        return f"got: {event.content}"

    def on_attachment(
        self, chat: BridgedChat, event: AttachmentEvent, record: StreamingRecord
    ) -> Optional[str]:
        with self.lock:
            self.attachments.extend(a.name or "" for a in event.attachments)
        return None

    def __call__(self, event: Any, context: Any = None) -> dict[str, int]:
        counts = super().__call__(event, context)
        with self.lock:
            self.counts.append(counts)
        return counts


def _bridge(emulator: Emulator, connect: Any, store: TokenStore, **extra: Any) -> RecordingBridge:
    hub = emulator.contact_streaming
    bridge = RecordingBridge(
        store=store,
        instance_id=emulator.instance_id,
        contact_flow_id=emulator.contact_flow_id,
        streaming_topic_arn=TOPIC,
        region_name=emulator.region,
        endpoint_url=emulator.endpoint_url,
        connect_client=connect,
        verifier=SnsMessageVerifier(
            trusted_certificates={hub.certificate_url: hub.certificate_pem}
        ),
        **extra,
    )
    hub.subscribe(TOPIC, bridge)
    return bridge


def _streaming_id(emulator: Emulator, contact_id: str) -> str:
    state: Any = emulator._server.controller.state  # the emulator keeps it; no public getter
    return str(next(iter(state.contacts[contact_id].streaming)))


def _total(bridge: RecordingBridge, name: str) -> int:
    return sum(counts[name] for counts in bridge.counts)


def _agent_of(emulator: Emulator, contact_id: str) -> str:
    agent = emulator.add_participant(contact_id, role="AGENT", display_name="Ann")
    return str(agent["ParticipantId"])


def test_bridge_answers_the_agent_and_drops_its_own_echo(emulator: Emulator, connect: Any) -> None:
    store = InMemoryTokenStore()
    bridge = _bridge(emulator, connect, store)
    hub = emulator.contact_streaming
    first_id = bridge.send_text("+15550100", "Hi, my parcel is late")
    chat = store.get("+15550100")
    assert chat is not None and "ConnectionToken" not in repr(chat)
    agent_id = _agent_of(emulator, chat.contact_id)
    emulator.send_message(chat.contact_id, agent_id, "Which order number?")
    assert hub.flush()
    assert hub.flush()  # the reply the bridge sent from the first delivery is streamed too
    assert hub.failures == []
    assert bridge.messages == ["Which order number?"]
    contents = [item.get("Content") for item in emulator.transcript(chat.contact_id)]
    assert contents.count("got: Which order number?") == 1
    # Its own message, its reply and its own join came back as echoes and were dropped.
    assert _total(bridge, "echoes") >= 2
    assert first_id in [item["Id"] for item in emulator.transcript(chat.contact_id)]


def test_attachment_from_bytes_reaches_the_chat(emulator: Emulator, connect: Any) -> None:
    store = InMemoryTokenStore()
    bridge = _bridge(emulator, connect, store)
    data = b"%PDF-1.4\n" + b"x" * 5000
    attachment_id = bridge.send_attachment(
        "+15550101", data, name="invoice.pdf", content_type="application/pdf"
    )
    chat = store.get("+15550101")
    assert chat is not None
    items = emulator.transcript(chat.contact_id)
    [attachment] = [i for i in items if i["Type"] == "ATTACHMENT"]
    assert attachment["Attachments"][0]["AttachmentId"] == attachment_id
    assert attachment["Attachments"][0]["AttachmentName"] == "invoice.pdf"


@pytest.mark.parametrize(
    "streamed_end", [True, False], ids=["chat.ended streamed", "token refused"]
)
def test_ended_chat_is_continued_by_a_persistent_chat(
    emulator: Emulator, connect: Any, streamed_end: bool
) -> None:
    store = InMemoryTokenStore()
    bridge = _bridge(emulator, connect, store)
    bridge.send_text("+15550102", "first visit")
    old = store.get("+15550102")
    assert old is not None
    if not streamed_end:  # the bridge learns the end only from the refused token
        connect.stop_contact_streaming(
            InstanceId=emulator.instance_id,
            ContactId=old.contact_id,
            StreamingId=_streaming_id(emulator, old.contact_id),
        )
    emulator.end_contact(old.contact_id)
    assert emulator.contact_streaming.flush()
    stored = store.get("+15550102")
    assert stored is not None
    assert SessionState.from_json(stored.session_state).chat_ended is streamed_end
    bridge.send_text("+15550102", "I am back")
    new = store.get("+15550102")
    assert new is not None and new.contact_id != old.contact_id
    described = connect.describe_contact(InstanceId=emulator.instance_id, ContactId=new.contact_id)
    # A persistent chat is related to the contact it continues (the emulator's DescribeContact
    # reports it as RelatedContactId, see emulator/_persistent.py).
    assert described["Contact"]["RelatedContactId"] == old.contact_id
    contents = [item.get("Content") for item in emulator.transcript(new.contact_id)]
    assert "I am back" in contents
    # An agent's message in the new chat reaches the bridge (the new contact is streamed).
    emulator.send_message(new.contact_id, _agent_of(emulator, new.contact_id), "Welcome back")
    assert emulator.contact_streaming.flush()
    assert "Welcome back" in bridge.messages


def test_continued_chat_transcript_holds_the_past_items(emulator: Emulator, connect: Any) -> None:
    store = InMemoryTokenStore()
    bridge = _bridge(emulator, connect, store)
    bridge.send_text("+15550103", "first visit")
    old = store.get("+15550103")
    assert old is not None
    emulator.end_contact(old.contact_id)
    bridge.send_text("+15550103", "I am back")
    new = store.get("+15550103")
    assert new is not None
    items = emulator.transcript(new.contact_id)
    [past] = [item for item in items if item.get("Content") == "first visit"]
    assert past["RelatedContactId"] == old.contact_id
    assert any(item["ContentType"].endswith("chat.rehydrated") for item in items)


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.session.Session().client(
        "dynamodb",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    try:
        yield client
    finally:
        server.stop()


def test_dynamodb_store_over_moto_server(emulator: Emulator, connect: Any, dynamodb: Any) -> None:
    table = f"bridge-chats-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    store = DynamoDBTokenStore(table, client=dynamodb)
    bridge = _bridge(emulator, connect, store)
    bridge.send_text("whatsapp:4420", "hello from WhatsApp")
    chat = store.get("whatsapp:4420")
    assert chat is not None
    assert store.find_by_contact(chat.contact_id) == chat
    emulator.send_message(chat.contact_id, _agent_of(emulator, chat.contact_id), "Hi there")
    assert emulator.contact_streaming.flush()
    assert emulator.contact_streaming.flush()
    assert bridge.messages == ["Hi there"]
    contents = [item.get("Content") for item in emulator.transcript(chat.contact_id)]
    assert contents.count("got: Hi there") == 1
    store.delete("whatsapp:4420")
    assert store.get("whatsapp:4420") is None and store.find_by_contact(chat.contact_id) is None
