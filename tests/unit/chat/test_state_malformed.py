"""Every malformed saved state is a SessionStateError, never TypeError or RecursionError.

Hypothesis builds wrong JSON, wrong field types, missing fields, huge numbers and NaN; the only
acceptable outcomes are a state that round-trips exactly or the documented typed error.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boto3_connectparticipant_ext.chat import SessionState, SessionStateError

GOOD: dict[str, Any] = SessionState(
    connection_token="ConnTokenSecretValue123",
    connection_expiry="2030-01-01T00:00:00.000Z",
    participant_token="PartTokenSecretValue456",
    region_name="eu-west-2",
    participant_id="p-1",
    last_item_id="i-9",
    own_message_ids=("m-1",),
    receipts_sent=(("m-3", "read"),),
    typing_sent_at=1700000000.5,
).to_dict()
FIELDS = sorted(GOOD)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["read", "delivered", "2030-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
python_values = st.one_of(
    json_values,
    st.tuples(json_values, json_values),
    st.sets(st.integers(), max_size=3),
    st.binary(max_size=8),
    st.builds(object),
)


def _accepted_or_typed(build: Any) -> None:
    try:
        state = build()
    except SessionStateError:
        return
    assert isinstance(state, SessionState)
    if state.typing_sent_at is not None:
        assert math.isfinite(state.typing_sent_at)
    assert SessionState.from_json(state.to_json()) == state
    hash(state)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_any_json_value_in_any_field(field: str, value: Any) -> None:
    data = dict(GOOD, **{field: value})
    _accepted_or_typed(lambda: SessionState.from_json(json.dumps(data)))


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=python_values)
def test_any_python_value_in_any_field(field: str, value: Any) -> None:
    _accepted_or_typed(lambda: SessionState.from_dict(dict(GOOD, **{field: value})))
    kwargs = dict(GOOD, **{field: value})
    _accepted_or_typed(lambda: SessionState(**kwargs))


@settings(max_examples=200, deadline=None)
@given(
    missing=st.sets(st.sampled_from(FIELDS)),
    extra=st.dictionaries(st.one_of(scalars, st.tuples(scalars), st.binary(max_size=4)), scalars),
)
def test_missing_and_unknown_keys(missing: set[str], extra: dict[Any, Any]) -> None:
    data = {key: value for key, value in GOOD.items() if key not in missing}
    data.update(extra)
    _accepted_or_typed(lambda: SessionState.from_dict(data))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), st.binary(), json_values.map(json.dumps)))
def test_any_text_or_bytes(text: Any) -> None:
    _accepted_or_typed(lambda: SessionState.from_json(text))


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"connection_token": "x", "own_message_ids": ' + "[" * 50_000 + "]" * 50_000 + "}",
        '{"connection_token": "x", "typing_sent_at": NaN}',
        '{"connection_token": "x", "typing_sent_at": Infinity}',
        '{"connection_token": "x", "typing_sent_at": 1e999}',
        '{"connection_token": "x", "typing_sent_at": 1' + "0" * 400 + "}",
        '{"connection_token": "x", "typing_sent_at": ' + "9" * 5000 + "}",
        '{"connection_token": "x", "version": true}',
        '{"connection_token": "x", "own_message_ids": {"m-1": 1}}',
        '{"connection_token": "x", "receipts_sent": [{"m-1": "read"}]}',
        '{"connection_token": "x", "receipts_sent": [["m-1", "read", "extra"]]}',
        '{"connection_token": "x", "1": 2}',
    ],
)
def test_hostile_json_is_a_typed_error(text: str) -> None:
    with pytest.raises(SessionStateError):
        SessionState.from_json(text)


@pytest.mark.parametrize("value", [None, 5, 1.5, ["{}"], {"connection_token": "x"}])
def test_from_json_of_a_non_text_is_a_typed_error(value: Any) -> None:
    with pytest.raises(SessionStateError):
        SessionState.from_json(value)


def test_from_dict_with_keys_of_mixed_types_is_a_typed_error() -> None:
    with pytest.raises(SessionStateError, match="unknown"):
        SessionState.from_dict({"connection_token": "x", 1: "a", "b": 2})  # type: ignore[dict-item]
