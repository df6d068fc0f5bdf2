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


@pytest.mark.parametrize(
    "text",
    [
        '{"topic":"aws/heartbeat"}',
        ' {"a": [1, 2.5, 1e400, -Infinity, null, true]}\n\t',
        '{"a":1} x',
        '{"a":1}{}',
        '"\\ud83d\\ude00 text"',
        "[1,",
        "",
        " ",
        b'\xef\xbb\xbf{"a":1}',
        b'{"a":"\xc3\xa9"}',
        b"\xff",
    ],
)
def test_json_is_read_exactly_as_json_loads_reads_it(text: str | bytes) -> None:
    try:
        expected: object = json.loads(text)
    except ValueError as error:
        expected = type(error)
    try:
        got: object = protocol._loads(text)
    except ValueError as error:
        got = type(error)
    assert got == expected


@pytest.mark.parametrize("content", [' {"Id":"1"}', '{"Id":"1"}\r\n'])
def test_item_content_with_surrounding_whitespace_is_an_item(content: str) -> None:
    frame = protocol.parse_frame(json.dumps({"topic": "aws/chat", "content": content}))
    assert (frame.kind, frame.item) == (protocol.ITEM, {"Id": "1"})


def test_content_with_trailing_data_is_not_an_item() -> None:
    frame = protocol.parse_frame(json.dumps({"topic": "aws/chat", "content": '{"Id":"1"} x'}))
    assert (frame.kind, frame.ok, frame.item) == (protocol.UNKNOWN, False, None)
