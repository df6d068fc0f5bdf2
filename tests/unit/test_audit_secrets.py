"""Audit: no token or secret URL in the repr/str of the package's objects or in its errors."""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator._state import ChatState
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig


def _chat_with_connection() -> tuple[ChatState, Any, dict[str, Any]]:
    state = ChatState(EmulatorConfig())
    started = state.start_chat(display_name="Dana", initial_message=None, attributes=None)
    contact = state.contact(started["ContactId"])
    participant = state.by_participant_token(started["ParticipantToken"])
    answer = state.create_connection(
        participant,
        types=["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        connect_participant=True,
        websocket_base_url="ws://127.0.0.1:1/connect/websocket",
    )
    return state, contact, {"participant_token": started["ParticipantToken"], **answer}


def _secrets(answer: dict[str, Any]) -> list[str]:
    websocket_secret = answer["Websocket"]["Url"].split("AuthToken=", 1)[1]
    return [
        answer["participant_token"],
        answer["ConnectionCredentials"]["ConnectionToken"],
        websocket_secret,
    ]


@pytest.mark.parametrize("show", [repr, str])
def test_emulator_state_objects_never_show_tokens(show: Any) -> None:
    state, contact, answer = _chat_with_connection()
    participant = next(iter(contact.participants.values()))
    grants = list(state._connection_tokens.values()) + list(state._websocket_grants.values())
    assert grants
    for shown in [show(contact), show(participant), *(show(grant) for grant in grants)]:
        for secret in _secrets(answer):
            assert secret not in shown
            assert secret[:24] not in shown
