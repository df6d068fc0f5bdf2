"""Bad emulator arguments are EmulatorConfigError, never OverflowError, TypeError or a stall.

Hypothesis feeds wrong types, huge ints, NaN and infinity to ``Emulator(port=, host=)``, every
number field of :class:`EmulatorConfig` (constructor and ``update``) and the fault arguments
(``check_fault`` and ``Emulator.inject_fault`` on a stopped emulator).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boto3_connectparticipant_ext.emulator import (
    Emulator,
    EmulatorConfig,
    EmulatorConfigError,
    Fault,
)
from boto3_connectparticipant_ext.emulator._faults import MAX_FAULT_SECONDS, check_fault
from boto3_connectparticipant_ext.emulator.errors import EmulatorNotRunningError

NUMBER_FIELDS = [
    "connection_token_ttl",
    "websocket_connection_expiry",
    "websocket_max_age",
    "participant_token_ttl",
    "attachment_max_bytes",
    "attachments_per_contact",
    "upload_url_ttl",
    "scan_delay",
    "max_request_bytes",
    "max_recorded_requests",
    "max_recorded_frames",
]

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 10, max_value=10**400),
    st.integers(max_value=-(2**63)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e300, -0.0, 5e-324]),
    st.text(max_size=8),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.builds(object),
)


def _finite_real(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


@settings(max_examples=300, deadline=None)
@given(port=anything, host=st.one_of(anything, st.just("127.0.0.1")))
def test_emulator_constructor(port: Any, host: Any) -> None:
    try:
        Emulator(port=port, host=host)
    except EmulatorConfigError:
        assert not (
            isinstance(port, int)
            and not isinstance(port, bool)
            and 0 <= port <= 65535
            and host == "127.0.0.1"
        )
    else:
        assert isinstance(port, int) and 0 <= port <= 65535


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from(NUMBER_FIELDS), value=anything)
def test_config_number_fields(field: str, value: Any) -> None:
    try:
        config = EmulatorConfig(**{field: value})
    except EmulatorConfigError:
        pass
    else:
        stored = getattr(config, field)
        assert stored is None or (_finite_real(stored) and stored <= sys.maxsize)
    config = EmulatorConfig()
    before = config.to_json()
    try:
        config.update(**{field: value})
    except EmulatorConfigError:
        assert config.to_json() == before  # rolled back


@settings(max_examples=100, deadline=None)
@given(value=anything)
def test_config_message_content_limits(value: Any) -> None:
    try:
        EmulatorConfig(message_content_limits={"text/plain": value})
    except EmulatorConfigError:
        return
    assert isinstance(value, int) and 0 < value <= sys.maxsize


@settings(max_examples=400, deadline=None)
@given(
    kind=st.one_of(
        st.sampled_from(list(Fault)), st.sampled_from([f.value for f in Fault]), anything
    ),
    operation=st.one_of(st.none(), st.just("SendMessage"), anything),
    participant_id=st.one_of(st.none(), anything),
    count=st.one_of(st.none(), st.integers(min_value=1, max_value=5), anything),
    seconds=st.one_of(st.just(0.5), anything),
)
def test_fault_arguments(
    kind: Any, operation: Any, participant_id: Any, count: Any, seconds: Any
) -> None:
    arguments = {
        "operation": operation,
        "participant_id": participant_id,
        "count": count,
        "seconds": seconds,
    }
    try:
        fault = check_fault(kind, **arguments)
    except EmulatorConfigError:
        pass
    else:
        assert isinstance(fault, Fault)
        assert _finite_real(seconds) and 0 <= seconds <= MAX_FAULT_SECONDS
        assert count is None or (type(count) is int and count >= 1)
    with pytest.raises((EmulatorConfigError, EmulatorNotRunningError)):
        Emulator().inject_fault(kind, **arguments)


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 10**400, -1, "1", None, 0])
def test_a_latency_that_cannot_be_honoured_is_refused(seconds: Any) -> None:
    with pytest.raises(EmulatorConfigError):
        check_fault(Fault.LATENCY, seconds=seconds)


@pytest.mark.parametrize("port", [-1, 65536, 2**64, 10**400, "8080", 8080.0, True, None])
def test_bad_ports(port: Any) -> None:
    with pytest.raises(EmulatorConfigError, match="port"):
        Emulator(port=port)
