"""Classifying the websocket frames the service sends."""

from __future__ import annotations

import json

import pytest

from boto3_connectparticipant_ext.chat import _protocol as protocol


def test_client_frames_are_the_documented_ones() -> None:
    assert json.loads(protocol.SUBSCRIBE_FRAME) == {
        "topic": "aws/subscribe",
        "content": {"topics": ["aws/chat"]},
    }
    assert json.loads(protocol.HEARTBEAT_FRAME) == {"topic": "aws/heartbeat"}
    assert json.loads(protocol.PING_FRAME) == {"topic": "aws/ping"}


def test_item_frame_content_is_a_json_string() -> None:
    content = json.dumps({"Id": "x", "Type": "MESSAGE"})
    frame = protocol.parse_frame(
        json.dumps({"topic": "aws/chat", "contentType": "application/json", "content": content})
    )
    assert frame.kind == protocol.ITEM
    assert frame.item == {"Id": "x", "Type": "MESSAGE"}


@pytest.mark.parametrize(
    ("text", "kind", "ok"),
    [
        ('{"topic":"aws/heartbeat"}', protocol.HEARTBEAT, True),
        ('{"topic":"aws/ping","statusCode":200,"statusContent":"OK"}', protocol.PING, True),
        ('{"topic":"aws/ping","statusCode":500}', protocol.PING, False),
        ('{"topic":"aws/subscribe","content":{"status":"success"}}', protocol.SUBSCRIBE, True),
        ('{"topic":"aws/subscribe","content":{"status":"failure"}}', protocol.SUBSCRIBE, False),
        ('{"message":"Forbidden","connectionId":"c","requestId":"r"}', protocol.ERROR, False),
        ('{"topic":"aws/chat","content":"not json"}', protocol.UNKNOWN, False),
        ('{"topic":"aws/chat","content":"[1]"}', protocol.UNKNOWN, False),
        ('{"topic":"aws/other"}', protocol.UNKNOWN, False),
        ("[]", protocol.UNKNOWN, False),
        ("{", protocol.UNKNOWN, False),
        (b'{"topic":"aws/heartbeat"}', protocol.HEARTBEAT, True),
    ],
)
def test_frames_are_classified_without_raising(text: str, kind: str, ok: bool) -> None:
    frame = protocol.parse_frame(text)
    assert (frame.kind, frame.ok) == (kind, ok)
