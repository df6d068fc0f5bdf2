"""StartChatContact options, contact lifetime and DescribeContact, on the state directly."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from boto3_connectparticipant_ext.emulator._chat_options import (
    EVERY_CONTENT_TYPE,
    ChatOptions,
    supported_content_types,
)
from boto3_connectparticipant_ext.emulator._connect_api import (
    ConnectContext,
    describe_contact,
    start_chat_contact,
    start_contact_streaming,
    stop_contact_streaming,
)
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import ChatState
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.service_limits import SUPPORTED_MESSAGING_CONTENT_TYPES


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def request(**extra: Any) -> dict[str, Any]:
    return {
        "InstanceId": "any-instance",
        "ContactFlowId": "any-flow",
        "ParticipantDetails": {"DisplayName": "C"},
        **extra,
    }


def test_supported_content_types() -> None:
    assert supported_content_types(None) == ("text/plain",)
    assert supported_content_types(["text/plain", "text/plain"]) == ("text/plain",)
    assert set(EVERY_CONTENT_TYPE) == SUPPORTED_MESSAGING_CONTENT_TYPES
    assert EVERY_CONTENT_TYPE[0] == "text/plain"
    for bad in (["text/markdown"], [], ["text/plain", "image/png"]):
        with pytest.raises(ServiceError) as caught:
            supported_content_types(bad)
        assert caught.value.code == "InvalidParameterException"


def test_options_from_a_request() -> None:
    options = ChatOptions.from_request(
        request(
            ChatDurationInMinutes=90,
            DisconnectOnCustomerExit=["AGENT"],
            PersistentChat={"RehydrationType": "FROM_SEGMENT", "SourceContactId": "x"},
        )
    )
    assert options == ChatOptions(
        supported_content_types=("text/plain",),
        duration_minutes=90,
        disconnect_on_customer_exit=("AGENT",),
        rehydration_type="FROM_SEGMENT",
    )


def test_last_update_is_never_before_initiation() -> None:
    # A clock inside a millisecond: the first item's time (whole milliseconds) once came
    # out before the contact's creation time, and DescribeContact reported it.
    clock = Clock(1_700_000_000.0007)
    state = ChatState(EmulatorConfig(), clock=clock)
    context = ConnectContext(state=state)
    started = start_chat_contact(context, request())
    for _ in range(3):
        described = describe_contact(
            context, {"InstanceId": "any-instance", "ContactId": started["ContactId"]}
        )["Contact"]
        assert described["LastUpdateTimestamp"] >= described["InitiationTimestamp"]
        clock.now += 0.0004


def test_expiry_without_an_event_loop_is_seen_on_the_next_lookup() -> None:
    clock = Clock(1_700_000_000.0)
    state = ChatState(EmulatorConfig(), clock=clock)  # no scheduler: lazily checked
    started = state.start_chat(display_name="C", options=ChatOptions(duration_minutes=60))
    clock.now += 3599
    assert state.contact(started["ContactId"]).active
    clock.now += 1
    contact = state.contact(started["ContactId"])
    assert not contact.active and contact.items[-1].data["ContentType"].endswith("chat.ended")
    with pytest.raises(ServiceError) as caught:
        state.by_participant_token(started["ParticipantToken"])
        state.create_connection(
            state.by_participant_token(started["ParticipantToken"]),
            types=["CONNECTION_CREDENTIALS"],
            connect_participant=False,
            websocket_base_url="ws://x",
        )
    assert caught.value.code == "AccessDeniedException"


def test_streaming_endpoint_arn_is_kept_on_the_contact() -> None:
    state = ChatState(EmulatorConfig())
    context = ConnectContext(state=state)
    started = start_chat_contact(context, request())
    contact = state.contact(started["ContactId"])
    arn = "arn:aws:sns:us-east-1:123456789012:stream"
    streaming = start_contact_streaming(
        context,
        {
            "InstanceId": "i",
            "ContactId": contact.contact_id,
            "ChatStreamingConfiguration": {"StreamingEndpointArn": arn},
        },
    )
    assert contact.streaming_endpoint_arn == arn
    stop_contact_streaming(
        context,
        {"InstanceId": "i", "ContactId": contact.contact_id, **streaming},
    )
    assert contact.streaming_endpoint_arn is None


def test_contact_lifetime_follows_the_request_then_the_config() -> None:
    clock = Clock(1_700_000_000.0)
    state = ChatState(EmulatorConfig(chat_duration_minutes=None), clock=clock)
    context = ConnectContext(state=state)
    forever = state.contact(start_chat_contact(context, request())["ContactId"])
    timed = state.contact(
        start_chat_contact(context, request(ChatDurationInMinutes=10080))["ContactId"]
    )
    assert forever.expires_at is None
    assert timed.expires_at is not None
    lifetime = datetime.timedelta(seconds=timed.expires_at - timed.created)
    assert lifetime == datetime.timedelta(days=7)
