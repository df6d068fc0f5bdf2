"""Saved session state: JSON round trip, validation, secrets kept out of reprs."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boto3_connectparticipant_ext.chat import SessionState, SessionStateError
from boto3_connectparticipant_ext.chat.state import format_timestamp, parse_timestamp

CONNECTION = "ConnTokenSecretValue123"
PARTICIPANT = "PartTokenSecretValue456"


def full_state() -> SessionState:
    return SessionState(
        connection_token=CONNECTION,
        connection_expiry="2030-01-01T00:00:00.000Z",
        participant_token=PARTICIPANT,
        region_name="eu-west-2",
        endpoint_url="http://127.0.0.1:1234",
        participant_id="p-1",
        last_item_id="i-9",
        last_item_time="2029-12-31T00:00:00.000Z",
        own_message_ids=("m-1", "m-2"),
        receipts_sent=(("m-3", "read"), ("m-4", "delivered")),
        typing_sent_at=1700000000.5,
        chat_ended=False,
    )


def test_json_round_trip_is_exact() -> None:
    state = full_state()
    text = state.to_json()
    assert json.loads(text)["connection_token"] == CONNECTION
    assert SessionState.from_json(text) == state
    assert SessionState.from_dict(state.to_dict()) == state


def test_repr_and_str_never_show_tokens(caplog: pytest.LogCaptureFixture) -> None:
    state = full_state()
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("state is %s / %r", state, state)
    for text in (repr(state), str(state), caplog.text, f"{state}"):
        assert CONNECTION not in text and PARTICIPANT not in text
    assert "i-9" in repr(state)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"connection_token": ""}, "connection_token"),
        ({"participant_token": ""}, "participant_token"),
        ({"connection_expiry": "tomorrow"}, "connection_expiry"),
        ({"version": 99}, "version"),
        ({"region_name": 5}, "region_name"),
        ({"typing_sent_at": "soon"}, "typing_sent_at"),
        ({"own_message_ids": (1,)}, "own_message_ids"),
        ({"receipts_sent": (("m", "seen"),)}, "receipts_sent"),
    ],
)
def test_bad_fields_are_typed_errors(change: dict[str, object], message: str) -> None:
    data = full_state().to_dict()
    data.update(change)
    with pytest.raises(SessionStateError, match=message) as raised:
        SessionState.from_dict(data)
    assert CONNECTION not in str(raised.value)


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[1, 2]", '{"connection_token": "x", "surprise": 1}', '{"region_name": "x"}'],
)
def test_malformed_json_is_a_typed_error(text: str) -> None:
    with pytest.raises(SessionStateError):
        SessionState.from_json(text)


def test_from_dict_rejects_non_mappings() -> None:
    with pytest.raises(SessionStateError):
        SessionState.from_dict(["connection_token"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("1970-01-01T00:00:01.5Z", 1.5),
        ("1970-01-01T00:00:01.123456789Z", 1.123456),
        ("1970-01-01T01:00:00+01:00", 0.0),
        ("1970-01-01T00:00:02", 2.0),
    ],
)
def test_parse_timestamp_accepts_service_formats(text: str, expected: float) -> None:
    parsed = parse_timestamp(text)
    assert parsed is not None
    assert abs(parsed - expected) < 1e-6


@given(st.floats(0, 4_000_000_000))
def test_format_then_parse_keeps_milliseconds(epoch: float) -> None:
    parsed = parse_timestamp(format_timestamp(epoch))
    assert parsed is not None
    assert abs(parsed - epoch) < 0.0011
