"""ChatConfig validation."""

from __future__ import annotations

import pytest

from boto3_connectparticipant_ext.chat import ChatConfig, ChatConfigError


def test_defaults_follow_the_service_facts() -> None:
    config = ChatConfig()
    assert (config.heartbeat_interval, config.ping_interval) == (10.0, 10.0)
    assert (config.reconnect_initial_delay, config.reconnect_multiplier) == (1.0, 2.0)
    assert (config.reconnect_max_delay, config.reconnect_jitter) == (30.0, 0.3)
    assert (config.socket_max_age, config.token_refresh_margin) == (3540.0, 60.0)
    assert (config.typing_interval, config.receipt_delay) == (10.0, 5.0)


@pytest.mark.parametrize(
    "change",
    [
        {"heartbeat_interval": 0},
        {"ping_interval": -1},
        {"heartbeat_interval": float("nan")},
        {"heartbeat_interval": "10"},
        {"heartbeat_interval": True},
        {"reconnect_initial_delay": -0.1},
        {"reconnect_multiplier": 0.5},
        {"reconnect_jitter": 1.0},
        {"reconnect_jitter": -0.1},
        {"max_buffered_events": 0},
        {"max_buffered_events": 2.5},
        {"api_workers": 0},
        {"max_reconnect_attempts": 0},
        {"max_reconnect_attempts": True},
        {"socket_max_age": 0},
        {"receipt_delay": -1},
    ],
)
def test_bad_values_are_rejected(change: dict[str, object]) -> None:
    with pytest.raises(ChatConfigError):
        ChatConfig(**change)  # type: ignore[arg-type]


def test_zero_delays_are_allowed_for_tests() -> None:
    config = ChatConfig(reconnect_initial_delay=0, receipt_delay=0, typing_interval=0)
    assert config.receipt_delay == 0


DURATIONS = [
    "heartbeat_interval",
    "ping_interval",
    "reconnect_initial_delay",
    "reconnect_max_delay",
    "socket_max_age",
    "socket_overlap",
    "token_refresh_margin",
    "typing_interval",
    "receipt_delay",
    "chunk_wait",
    "open_timeout",
    "subscribe_timeout",
]


@pytest.mark.parametrize("name", DURATIONS)
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e300, -1.0])
def test_every_duration_is_finite_and_in_range(name: str, value: float) -> None:
    from boto3_connectparticipant_ext.chat import ChatArgumentError

    with pytest.raises(ChatConfigError, match=name) as caught:
        ChatConfig(**{name: value})  # type: ignore[arg-type]
    assert not isinstance(caught.value, ChatArgumentError)


@pytest.mark.parametrize("name", [*DURATIONS, "max_buffered_events", "api_workers"])
@pytest.mark.parametrize("value", ["1", b"1", None, [1]])
def test_a_duration_of_the_wrong_type_is_an_argument_error(name: str, value: object) -> None:
    from boto3_connectparticipant_ext.chat import ChatArgumentError

    with pytest.raises(ChatArgumentError, match=name):
        ChatConfig(**{name: value})  # type: ignore[arg-type]


def test_a_year_is_the_longest_duration() -> None:
    from boto3_connectparticipant_ext.chat.config import MAX_SECONDS

    assert ChatConfig(socket_max_age=MAX_SECONDS).socket_max_age == MAX_SECONDS
    with pytest.raises(ChatConfigError, match="at most"):
        ChatConfig(socket_max_age=MAX_SECONDS * 2)
