"""Audit: bad input gets a typed error before any network call, and nothing is half-done."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from boto3_connectparticipant_ext import bind_tokens, bound_tokens
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError


@pytest.fixture
def client() -> Iterator[Any]:
    made = boto3.session.Session().client(
        "connectparticipant", region_name="us-east-1", endpoint_url="http://127.0.0.1:9"
    )
    yield made
    made.close()


@pytest.mark.parametrize("token", [b"secret-token-bytes", 12345, "", ["secret-token"]])
@pytest.mark.parametrize("keyword", ["connection_token", "participant_token"])
def test_bind_tokens_refuses_what_is_not_a_token(client: Any, keyword: str, token: Any) -> None:
    with pytest.raises(ConnectParticipantExtError) as raised:
        bind_tokens(client, **{keyword: token})
    assert "secret-token" not in str(raised.value)
    assert bound_tokens(client) is None


class _CountingClient:
    def __init__(self) -> None:
        self.calls = 0

    def get_transcript(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        return {"Transcript": []}


@pytest.mark.parametrize(
    "arguments",
    [
        {"ScanDirection": "SIDEWAYS"},
        {"SortOrder": "UP"},
        {"ScanDirection": 1},
        {"NextToken": ""},
        {"NextToken": 5},
        {"StartPosition": "item-1"},
    ],
)
def test_iter_transcript_refuses_bad_raw_positioning_before_any_call(
    arguments: dict[str, Any],
) -> None:
    from boto3_connectparticipant_ext.transcript import TranscriptArgumentError, iter_transcript

    fake = _CountingClient()
    with pytest.raises(TranscriptArgumentError):
        list(iter_transcript(fake, **arguments))
    assert fake.calls == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["send", "--connection-token", "abc", "--timeout", "-5", "hi"],
        ["send", "--connection-token", "abc", "--timeout", "0", "hi"],
        ["send", "--connection-token", "abc", "--timeout", "nan", "hi"],
        ["upload", __file__, "--connection-token", "abc", "--max-size-mb", "nan"],
        ["upload", __file__, "--connection-token", "abc", "--max-size-mb", "-1"],
        ["upload", __file__, "--connection-token", "abc", "--max-size-mb", "inf"],
        ["emulator", "--port", "-1"],
        ["emulator", "--port", "65536"],
    ],
)
def test_cli_bad_numbers_are_usage_errors(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from boto3_connectparticipant_ext import cli

    monkeypatch.setenv("CPX_ENDPOINT_URL", "http://127.0.0.1:9")
    assert cli.main(argv) == 2
    assert "unexpected error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "settings",
    [
        {"connection_token_ttl": float("nan")},
        {"scan_delay": float("nan")},
        {"allowed_attachment_extensions": "pdf"},
        {"max_recorded_requests": 1.5},
        {"attachments_per_contact": 2.5},
        {"max_request_bytes": 0.5},
    ],
)
def test_emulator_config_refuses_values_it_cannot_honour(settings: dict[str, Any]) -> None:
    from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
    from boto3_connectparticipant_ext.emulator.errors import EmulatorConfigError

    with pytest.raises(EmulatorConfigError):
        EmulatorConfig(**settings)
    config = EmulatorConfig()
    with pytest.raises(EmulatorConfigError):
        config.update(**settings)
    assert config == EmulatorConfig()


@pytest.mark.parametrize("jitter", ["0.3", None, float("nan")])
def test_chat_config_refuses_a_jitter_that_is_not_a_number(jitter: Any) -> None:
    from boto3_connectparticipant_ext.chat import ChatConfig
    from boto3_connectparticipant_ext.chat.errors import ChatConfigError

    with pytest.raises(ChatConfigError):
        ChatConfig(reconnect_jitter=jitter)


@pytest.mark.parametrize(
    "data",
    [
        '{"connection_token": "t", "own_message_ids": "abc"}',
        '{"connection_token": "t", "chat_ended": "no"}',
    ],
)
def test_session_state_refuses_malformed_fields(data: str) -> None:
    from boto3_connectparticipant_ext.chat import SessionState
    from boto3_connectparticipant_ext.chat.errors import SessionStateError

    with pytest.raises(SessionStateError):
        SessionState.from_json(data)
