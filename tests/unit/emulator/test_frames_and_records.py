"""Websocket frame parsing and record masking."""

from __future__ import annotations

import json

import pytest

from boto3_connectparticipant_ext.emulator._records import RecordedFrame, RecordedRequest
from boto3_connectparticipant_ext.emulator._websocket import chat_frame, parse_client_frame

SUBSCRIBE = '{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}'


@pytest.mark.parametrize(
    "text",
    [
        SUBSCRIBE,
        SUBSCRIBE + ")",
        '{"topic":"aws/subscribe","content":{"topics":["aws/chat"])}}',
        '  {"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}  trailing',
    ],
)
def test_subscribe_variants(text: str) -> None:
    frame = parse_client_frame(text)
    assert frame is not None and frame["topic"] == "aws/subscribe"
    assert frame["content"]["topics"] == ["aws/chat"]


def test_hopeless_subscribe_still_names_its_topics() -> None:
    frame = parse_client_frame('{"topic":"aws/subscribe",,"content":{"topics":["aws/chat"')
    assert frame == {"topic": "aws/subscribe", "content": {"topics": ["aws/subscribe", "aws/chat"]}}


@pytest.mark.parametrize("text", ["", "nonsense", "[1]", "42"])
def test_non_objects_are_rejected(text: str) -> None:
    assert parse_client_frame(text) is None


def test_chat_frame_envelope() -> None:
    frame = json.loads(chat_frame({"Id": "1", "Type": "MESSAGE"}))
    assert list(frame) == ["content", "contentType", "topic"]
    assert frame["topic"] == "aws/chat" and frame["contentType"] == "application/json"
    assert json.loads(frame["content"]) == {"Id": "1", "Type": "MESSAGE"}


def test_request_record_masks_secrets_in_repr_and_json() -> None:
    record = RecordedRequest(
        method="POST",
        path="/participant/message",
        operation="SendMessage",
        headers={"X-Amz-Bearer": "bearer-secret", "authorization": "sig-secret", "Accept": "*/*"},
        body_size=3,
        status=200,
        query_keys=("X-Amz-Signature",),
    )
    text = repr(record) + json.dumps(record.to_json())
    assert "bearer-secret" not in text and "sig-secret" not in text
    assert "<redacted:len=13>" in text and "*/*" in text
    assert record.headers["X-Amz-Bearer"] == "bearer-secret"


def test_frame_record_json() -> None:
    frame = RecordedFrame(direction="in", participant_id="p", connection_id="c=", text="{}")
    assert frame.to_json()["direction"] == "in"
