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
